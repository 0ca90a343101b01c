package spec_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/utalk/rtconform/spec"
)

// channelOf returns the channel of the raw document whose x-socketio.namespace is ns.
func (d *rawDoc) channelOf(ns string) (key string, ch map[string]any) {
	for k, v := range d.Channels {
		c := v.(map[string]any)
		if b, ok := c["x-socketio"].(map[string]any); ok && b["namespace"] == ns {
			return k, c
		}
	}
	return "", nil
}

func refOf(v any) string {
	m, _ := v.(map[string]any)
	s, _ := m["$ref"].(string)
	return s
}

func TestNamespacesMatchChannels(t *testing.T) {
	d := mustDoc(t)
	c := spec.Default()
	for _, e := range c.Events {
		for _, ns := range e.Namespaces {
			_, ch := d.channelOf(ns)
			if ch == nil {
				t.Errorf("event %s: namespace %s has no channel", e.Name, ns)
				continue
			}
			msgs, _ := ch["messages"].(map[string]any)
			if refOf(msgs[e.Key]) != "#/components/messages/"+e.Key {
				t.Errorf("event %s lists namespace %s, whose channel does not carry #/components/messages/%s", e.Name, ns, e.Key)
			}
		}
	}
	for key, v := range d.Channels {
		ch := v.(map[string]any)
		ns := ch["x-socketio"].(map[string]any)["namespace"].(string)
		if ch["address"] != ns {
			t.Errorf("channel %s: address %v, want its namespace %s", key, ch["address"], ns)
		}
		msgs, _ := ch["messages"].(map[string]any)
		for mk, ref := range msgs {
			name := strings.TrimPrefix(refOf(ref), "#/components/messages/")
			var e *spec.Event
			for _, x := range c.Events {
				if x.Key == name {
					e = x
				}
			}
			if e == nil || mk != name {
				t.Errorf("channel %s: message %s refers to %q, not to a message of the same key", key, mk, refOf(ref))
				continue
			}
			if !e.InNamespace(ns) {
				t.Errorf("channel %s carries %s, whose x-socketio.namespaces lack %s", key, e.Name, ns)
			}
		}
	}
}

func TestOperationsReferenceChannelsAndMessages(t *testing.T) {
	d := mustDoc(t)
	c := spec.Default()
	channelRef := func(op string, v any) (map[string]any, string) {
		ref := refOf(v)
		key := strings.TrimPrefix(ref, "#/channels/")
		ch, ok := d.Channels[key].(map[string]any)
		if !ok {
			t.Errorf("operation %s: channel %q does not exist", op, ref)
			return nil, ""
		}
		return ch, key
	}
	checkMessages := func(op, chKey string, ch map[string]any, list any) []string {
		var keys []string
		msgs, _ := ch["messages"].(map[string]any)
		for _, m := range list.([]any) {
			ref := refOf(m)
			prefix := "#/channels/" + chKey + "/messages/"
			mk := strings.TrimPrefix(ref, prefix)
			if !strings.HasPrefix(ref, prefix) || msgs[mk] == nil {
				t.Errorf("operation %s: message %q is not a message of channel %s", op, ref, chKey)
			}
			keys = append(keys, mk)
		}
		return keys
	}
	covered := map[string]bool{}
	for name, v := range d.Operations {
		op := v.(map[string]any)
		ch, chKey := channelRef(name, op["channel"])
		if ch == nil {
			continue
		}
		for _, mk := range checkMessages(name, chKey, ch, op["messages"]) {
			covered[chKey+"/"+mk] = true
			e := eventByKey(c, mk)
			if e == nil {
				continue
			}
			want := map[spec.Direction]string{spec.ClientToServer: "receive", spec.ServerToClient: "send"}[e.Direction]
			if op["action"] != want {
				t.Errorf("operation %s: action %v for %s event %s, want %s", name, op["action"], e.Direction, e.Name, want)
			}
			if reply, ok := op["reply"].(map[string]any); ok {
				rch, rKey := channelRef(name, reply["channel"])
				if rch != nil {
					keys := checkMessages(name, rKey, rch, reply["messages"])
					if e.IsClient() && !slices.Contains(keys, e.Reply.Key) {
						t.Errorf("operation %s: reply messages %v lack %s's reply %s", name, keys, e.Name, e.Reply.Key)
					}
				}
			} else if e.IsClient() {
				t.Errorf("operation %s: client event %s has no reply", name, e.Name)
			}
		}
	}
	for key, v := range d.Channels {
		msgs, _ := v.(map[string]any)["messages"].(map[string]any)
		for mk := range msgs {
			if !covered[key+"/"+mk] {
				t.Errorf("channel %s message %s has no operation", key, mk)
			}
		}
	}
}

func eventByKey(c *spec.Contract, key string) *spec.Event {
	for _, e := range c.Events {
		if e.Key == key {
			return e
		}
	}
	return nil
}

func TestRepliesAndErrorEvents(t *testing.T) {
	d := mustDoc(t)
	c := spec.Default()
	for _, e := range c.Events {
		if !e.IsClient() {
			continue
		}
		t.Run(e.Name, func(t *testing.T) {
			for what, a := range map[string]*spec.Event{"reply": e.Reply, "errorEvent": e.ErrorEvent} {
				if a.IsClient() {
					t.Errorf("%s %s is a client event", what, a.Name)
				}
				if !a.ToSender() {
					t.Errorf("%s %s does not go to the sender (rooms %v)", what, a.Name, a.Rooms)
				}
				for _, ns := range e.Namespaces {
					if !a.InNamespace(ns) {
						t.Errorf("%s %s is not carried by %s, a namespace of %s", what, a.Name, ns, e.Name)
					}
				}
				if len(a.Answers) > 0 && !slices.Contains(a.Answers, e) {
					t.Errorf("%s %s answers %v, not %s", what, a.Name, roles(a.Answers), e.Role)
				}
			}
			if !slices.Contains(e.Reply.Answers, e) {
				t.Errorf("reply %s does not list %s in answers", e.Reply.Name, e.Role)
			}
			schema, _ := d.resolve(d.payloadSchema(e))
			if e.Correlation != "" {
				if props(schema)[e.Correlation] == nil {
					t.Errorf("correlation %q is not a property of %s", e.Correlation, e.SchemaName)
				}
				if !slices.Contains(required(schema), e.Correlation) {
					t.Errorf("correlation %q is not required in %s", e.Correlation, e.SchemaName)
				}
				reply, _ := d.resolve(d.payloadSchema(e.Reply))
				if !slices.Contains(required(reply), e.Correlation) {
					t.Errorf("reply %s does not require the correlation field %q", e.Reply.Name, e.Correlation)
				}
				errSchema, _ := d.resolve(d.payloadSchema(e.ErrorEvent))
				if props(errSchema)[e.Correlation] == nil && props(errSchema)["correlationId"] == nil {
					t.Errorf("error event %s carries neither %q nor correlationId", e.ErrorEvent.Name, e.Correlation)
				}
			}
			if k := e.IdempotencyKey; k != "" && !slices.Contains(required(schema), k) {
				t.Errorf("idempotencyKey %q is not a required property of %s", k, e.SchemaName)
			}
			if a := e.Access; a != nil && !slices.Contains(required(schema), a.Field) {
				t.Errorf("access.field %q is not a required property of %s", a.Field, e.SchemaName)
			}
			// The checkOrder steps every client event can fail (DECISIONS.md D1).
			want := []spec.Code{spec.CodeInvalidEvent, spec.CodeRateLimitExceeded, spec.CodePayloadTooLarge, spec.CodeValidationError}
			if e.Access != nil {
				want = append(want, spec.CodeAccessDenied)
			}
			for _, code := range want {
				if !e.MayRaise(code) {
					t.Errorf("errors %v lack %s", e.Errors, code)
				}
			}
		})
	}
	for _, e := range c.Events {
		for _, a := range e.Answers {
			if a.Reply != e && a.ErrorEvent != e {
				t.Errorf("%s answers %s, whose reply and errorEvent are %s and %s", e.Name, a.Name, a.Reply.Name, a.ErrorEvent.Name)
			}
		}
	}
}

func roles(es []*spec.Event) []spec.Role {
	var out []spec.Role
	for _, e := range es {
		out = append(out, e.Role)
	}
	return out
}

func TestNamesAndRolesUnique(t *testing.T) {
	names, rs, keys := map[string]bool{}, map[spec.Role]bool{}, map[string]bool{}
	for _, e := range spec.Default().Events {
		if names[e.Name] || rs[e.Role] || keys[e.Key] {
			t.Errorf("event %s (role %s, key %s) is not unique", e.Name, e.Role, e.Key)
		}
		names[e.Name], rs[e.Role], keys[e.Key] = true, true, true
	}
}

func TestErrorCodesDeclared(t *testing.T) {
	d := mustDoc(t)
	c := spec.Default()
	declared := func(where string, code spec.Code) {
		if _, ok := c.ErrorCodes[code]; !ok {
			t.Errorf("%s uses %s, which x-socketio.errorCodes does not declare", where, code)
		}
	}
	for _, e := range c.Events {
		for _, code := range e.Errors {
			declared("event "+e.Name, code)
		}
	}
	for _, ch := range c.CheckOrder {
		declared("checkOrder "+ch.Check, ch.Code)
	}
	for _, code := range c.Handshake.ConnectErrors {
		declared("handshake.connectErrors", code)
	}
	enum := map[spec.Code]bool{}
	for _, v := range d.Components.Schemas["ErrorCode"]["enum"].([]any) {
		code := spec.Code(v.(string))
		enum[code] = true
		declared("schema ErrorCode", code)
	}
	for code, info := range c.ErrorCodes {
		if !enum[code] {
			t.Errorf("errorCodes declares %s, which the ErrorCode schema lacks", code)
		}
		for _, w := range info.Where {
			if w != "connect_error" && w != "event" && c.ByRole(spec.Role(w)) == nil {
				t.Errorf("errorCodes %s: where %q is neither connect_error, event nor an event role", code, w)
			}
		}
	}
}

// constantsOf returns the names and values of the package's constants of the given type
// declared in file, read from the source so that a new constant is checked as well.
func constantsOf(t *testing.T, file, typ string) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, decl := range f.Decls {
		g, ok := decl.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != typ {
				continue
			}
			for i, n := range vs.Names {
				out[n.Name] = strings.Trim(vs.Values[i].(*ast.BasicLit).Value, `"`)
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no %s constants in %s", typ, file)
	}
	return out
}

func TestRoleConstantsInContract(t *testing.T) {
	c := spec.Default()
	consts := constantsOf(t, "role.go", "Role")
	values := map[string]bool{}
	for name, v := range consts {
		values[v] = true
		if c.ByRole(spec.Role(v)) == nil {
			t.Errorf("spec.%s = %q is not the role of any event of the default contract", name, v)
		}
	}
	for _, e := range c.Events {
		if !values[string(e.Role)] {
			t.Errorf("role %q of %s has no constant in role.go", e.Role, e.Name)
		}
	}
}

func TestCodeConstantsInContract(t *testing.T) {
	c := spec.Default()
	for name, v := range constantsOf(t, "codes.go", "Code") {
		if _, ok := c.ErrorCodes[spec.Code(v)]; !ok {
			t.Errorf("spec.%s = %q is not declared in x-socketio.errorCodes", name, v)
		}
	}
}

func TestRoomTemplates(t *testing.T) {
	c := spec.Default()
	var pats []*regexp.Regexp
	for name, tmpl := range c.Rooms {
		if !strings.Contains(tmpl, "{") {
			t.Errorf("room template %s = %q has no {placeholder}", name, tmpl)
		}
		// A placeholder matches another placeholder ({memberId}) or a literal (agent).
		p := regexp.MustCompile(`\\\{[A-Za-z]+\\\}`).ReplaceAllString(regexp.QuoteMeta(tmpl), `(\{[A-Za-z]+\}|[A-Za-z0-9_-]+)`)
		pats = append(pats, regexp.MustCompile("^"+p+"$"))
	}
	for _, e := range c.Events {
		if e.IsClient() {
			if len(e.Rooms) > 0 {
				t.Errorf("client event %s has rooms", e.Name)
			}
			continue
		}
		if len(e.Rooms) == 0 {
			t.Errorf("server event %s has no rooms", e.Name)
		}
		for _, r := range e.Rooms {
			ok := r == "sender"
			for _, p := range pats {
				ok = ok || p.MatchString(r)
			}
			if !ok {
				t.Errorf("event %s: room %q is neither sender nor an instance of x-socketio.rooms", e.Name, r)
			}
		}
		if e.Excludes != "" && e.Excludes != "sender" {
			t.Errorf("event %s: excludes %q, want sender or nothing", e.Name, e.Excludes)
		}
	}
}

func TestAllowedRolesAreUserRoles(t *testing.T) {
	d := mustDoc(t)
	var userRoles []string
	for _, v := range d.Components.Schemas["Role"]["enum"].([]any) {
		userRoles = append(userRoles, v.(string))
	}
	c := spec.Default()
	for _, e := range c.Events {
		for _, r := range e.AllowedRoles {
			if !slices.Contains(userRoles, r) {
				t.Errorf("event %s: allowed role %q is not in the Role schema %v", e.Name, r, userRoles)
			}
		}
		if !e.IsClient() {
			continue
		}
		admitted := false
		for _, ns := range e.Namespaces {
			for _, r := range e.AllowedRoles {
				admitted = admitted || c.Namespace(ns).Admits(r)
			}
		}
		if !admitted {
			t.Errorf("client event %s: no allowed role may connect to any of its namespaces", e.Name)
		}
	}
	for _, n := range c.Namespaces {
		for _, r := range n.Roles {
			if !slices.Contains(userRoles, r) {
				t.Errorf("namespace %s: role %q is not in the Role schema", n.Path, r)
			}
		}
	}
	if root := c.Namespace("/"); root == nil || !root.Refuses || len(root.Events) != 0 {
		t.Errorf("the main namespace / must exist, refuse every connection and carry no event (D7)")
	}
}
