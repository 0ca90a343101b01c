package spec

// Clause is one checkable statement of the contract. Verdicts, waivers and reports are
// keyed by its ID, which stays stable when events are renamed.
type Clause struct {
	ID       string   `yaml:"id" json:"id"`
	Title    string   `yaml:"title" json:"title"`
	Labels   []string `yaml:"labels" json:"labels"`
	Requires []string `yaml:"requires,omitempty" json:"requires,omitempty"`
	// Generated is true for clauses derived from the event catalogue.
	Generated bool `yaml:"-" json:"generated,omitempty"`
	// Event is the event a generated clause is about.
	Event Role `yaml:"-" json:"event,omitempty"`
}

// Requirements a clause may name in Requires.
const (
	RequiresControl       = "control"        // the HTTP control surface
	RequiresMultiInstance = "multi-instance" // two instances behind one adapter
	RequiresRedisFault    = "redis-fault"    // a Redis the suite can pause and stop
	RequiresFaultProxy    = "fault-proxy"    // a proxy between client and server
)

// Generated clause id prefixes: PayloadClause(r) is "payload.<role>", and so on.
const (
	payloadPrefix = "payload."
	replyPrefix   = "reply."
	errorsPrefix  = "errors."
)

// PayloadClause is the id of the clause "every <event> the target sends validates".
func PayloadClause(r Role) string { return payloadPrefix + string(r) }

// ReplyClause is the id of the clause "<event> is answered by its reply, correlated".
func ReplyClause(r Role) string { return replyPrefix + string(r) }

// ErrorsClause is the id of the clause "<event> rejects a bad payload with its error event".
func ErrorsClause(r Role) string { return errorsPrefix + string(r) }

// Clauses returns the behaviour clauses of the document followed by the clauses
// generated from the catalogue, in a stable order.
func (c *Contract) Clauses() []Clause {
	out := append([]Clause(nil), c.clauses...)
	for _, e := range c.Events {
		if e.Direction == ServerToClient {
			out = append(out, Clause{ID: PayloadClause(e.Role), Generated: true, Event: e.Role,
				Labels: []string{"contract"}, Title: "Every " + e.Name + " the target sends validates against its schema."})
			continue
		}
		out = append(out,
			Clause{ID: ReplyClause(e.Role), Generated: true, Event: e.Role, Labels: []string{"contract"},
				Title: e.Name + " is answered by " + e.Reply.Name + ", correlated, and through the acknowledgement callback."},
			Clause{ID: ErrorsClause(e.Role), Generated: true, Event: e.Role, Labels: []string{"contract"},
				Title: "An invalid " + e.Name + " is answered by " + e.ErrorEvent.Name + " VALIDATION_ERROR naming the field."})
	}
	return out
}

// Clause returns the clause with the given id.
func (c *Contract) Clause(id string) (Clause, bool) {
	for _, cl := range c.Clauses() {
		if cl.ID == id {
			return cl, true
		}
	}
	return Clause{}, false
}
