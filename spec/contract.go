package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// ErrInvalidContract is wrapped by every error Parse returns for a document that is not a
// usable contract.
var ErrInvalidContract = errors.New("invalid contract")

// Namespace is one Socket.IO namespace of the contract.
type Namespace struct {
	Path string `json:"path"`
	// Roles are the user roles that may connect.
	Roles []string `json:"roles"`
	// Refuses is true for a namespace that refuses every connection (the main one).
	Refuses bool `json:"refuses,omitempty"`
	// Events are the events the namespace carries, in document order.
	Events []*Event `json:"-"`
}

// Admits reports whether a user of the given role may connect to the namespace.
func (n *Namespace) Admits(userRole string) bool {
	return !n.Refuses && slices.Contains(n.Roles, userRole)
}

// Contract is a parsed, checked contract.
type Contract struct {
	Title   string `json:"title"`
	Version string `json:"version"`
	// Source says where the document came from: "embedded:..." or a file path.
	Source string `json:"source"`
	// Hash is the SHA-256 of the document bytes, in hex; reports are stamped with it.
	Hash string `json:"hash"`

	Events     []*Event           `json:"-"`
	Namespaces []*Namespace       `json:"namespaces"`
	Transport  Transport          `json:"transport"`
	Handshake  Handshake          `json:"handshake"`
	Rooms      map[string]string  `json:"rooms"`
	CheckOrder []Check            `json:"checkOrder"`
	RateLimit  RateLimitPolicy    `json:"rateLimit"`
	Limits     Limits             `json:"limits"`
	ErrorCodes map[Code]ErrorInfo `json:"errorCodes"`
	Thresholds []Threshold        `json:"thresholds"`
	ExitCodes  ExitCodes          `json:"exitCodes"`
	Token      TokenCommand       `json:"tokenCommand"`
	Control    Control            `json:"control"`

	clauses []Clause
	byName  map[string]*Event
	byRole  map[Role]*Event
	raw     []byte
}

// Load reads and parses the contract at path.
func Load(path string) (*Contract, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load contract: %w", err)
	}
	return Parse(path, data)
}

// LoadOrDefault loads the contract at path, or returns Default when path is empty.
func LoadOrDefault(path string) (*Contract, error) {
	if path == "" {
		return Default(), nil
	}
	return Load(path)
}

// Parse parses and checks a contract document. source names it in errors and reports.
func Parse(source string, data []byte) (*Contract, error) {
	var doc rawDocument
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalidContract, source, err)
	}
	c, err := build(source, data, &doc)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalidContract, source, err)
	}
	return c, nil
}

func build(source string, data []byte, doc *rawDocument) (*Contract, error) {
	if !strings.HasPrefix(doc.AsyncAPI, "3.") {
		return nil, fmt.Errorf("asyncapi version %q: want 3.x", doc.AsyncAPI)
	}
	var b rawBinding
	if doc.Binding.Kind == 0 {
		return nil, errors.New("no x-socketio binding at the document root")
	}
	if err := decodeStrict(&doc.Binding, &b); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	c := &Contract{
		Title: doc.Info.Title, Version: doc.Info.Version, Source: source,
		Hash: hex.EncodeToString(sum[:]), Transport: b.Transport, Handshake: b.Handshake,
		Rooms: b.Rooms, CheckOrder: b.CheckOrder, RateLimit: b.RateLimit, Limits: b.Limits,
		ErrorCodes: b.ErrorCodes, Thresholds: b.Thresholds, ExitCodes: b.ExitCodes,
		Token: b.TokenCommand, Control: b.Control, clauses: b.Clauses,
		byName: map[string]*Event{}, byRole: map[Role]*Event{}, raw: data,
	}
	for _, code := range knownCodes {
		if _, ok := c.ErrorCodes[code]; !ok {
			return nil, fmt.Errorf("errorCodes: %s is not declared", code)
		}
	}
	if c.RateLimit.WindowMs <= 0 || c.RateLimit.DefaultLimit <= 0 {
		return nil, errors.New("rateLimit: windowMs and defaultLimit must be positive")
	}
	binds, err := c.buildEvents(doc)
	if err != nil {
		return nil, err
	}
	if err := c.link(binds); err != nil {
		return nil, err
	}
	if err := c.buildNamespaces(doc); err != nil {
		return nil, err
	}
	if err := c.checkClauses(); err != nil {
		return nil, err
	}
	if err := compileSchemas(c, doc); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Contract) buildEvents(doc *rawDocument) (map[*Event]*rawMessageBind, error) {
	keys := make([]string, 0, len(doc.Components.Messages))
	for k := range doc.Components.Messages {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return doc.Components.Messages[keys[i]].Binding.Line < doc.Components.Messages[keys[j]].Binding.Line
	})
	binds := map[*Event]*rawMessageBind{}
	for _, key := range keys {
		m := doc.Components.Messages[key]
		var xb rawMessageBind
		if m.Binding.Kind == 0 {
			return nil, fmt.Errorf("message %s: no x-socketio binding", key)
		}
		if err := decodeStrict(&m.Binding, &xb); err != nil {
			return nil, fmt.Errorf("message %s: %w", key, err)
		}
		e, err := c.newEvent(key, m, &xb)
		if err != nil {
			return nil, fmt.Errorf("message %s: %w", key, err)
		}
		if _, dup := c.byName[e.Name]; dup {
			return nil, fmt.Errorf("message %s: event name %q used twice", key, e.Name)
		}
		if _, dup := c.byRole[e.Role]; dup {
			return nil, fmt.Errorf("message %s: role %q used twice", key, e.Role)
		}
		c.byName[e.Name], c.byRole[e.Role] = e, e
		c.Events = append(c.Events, e)
		binds[e] = &xb
	}
	return binds, nil
}

func (c *Contract) newEvent(key string, m rawMessage, xb *rawMessageBind) (*Event, error) {
	if m.Name == "" || xb.Role == "" {
		return nil, errors.New("name and x-socketio.role are required")
	}
	e := &Event{Key: key, Name: m.Name, Role: Role(xb.Role), Direction: Direction(xb.Direction),
		Namespaces: xb.Namespaces, Summary: m.Summary, Extension: xb.Extension,
		AllowedRoles: xb.AllowedRoles, Ack: xb.Ack, Correlation: xb.Correlation,
		IdempotencyKey: xb.IdempotencyKey, Rooms: xb.Rooms, Excludes: xb.Excludes,
		Control: xb.Control, Interval: time.Duration(xb.IntervalMs) * time.Millisecond}
	if e.Direction != ClientToServer && e.Direction != ServerToClient {
		return nil, fmt.Errorf("direction %q: want %s or %s", xb.Direction, ClientToServer, ServerToClient)
	}
	if len(e.Namespaces) == 0 {
		return nil, errors.New("x-socketio.namespaces is empty")
	}
	if xb.Access != nil {
		if xb.Access.Mode != AccessMember && xb.Access.Mode != AccessCreateOrMember {
			return nil, fmt.Errorf("access.mode %q: want %s or %s", xb.Access.Mode, AccessMember, AccessCreateOrMember)
		}
		e.Access = &Access{Field: xb.Access.Field, Mode: xb.Access.Mode}
	}
	for _, code := range xb.Errors {
		if _, ok := c.ErrorCodes[Code(code)]; !ok {
			return nil, fmt.Errorf("errors: %s is not in errorCodes", code)
		}
		e.Errors = append(e.Errors, Code(code))
	}
	e.RateLimit = RateLimit{Limit: c.RateLimit.DefaultLimit, Window: ms(c.RateLimit.WindowMs)}
	if xb.RateLimit != nil {
		if xb.RateLimit.Limit <= 0 || xb.RateLimit.WindowMs <= 0 {
			return nil, errors.New("rateLimit: limit and windowMs must be positive")
		}
		e.RateLimit = RateLimit{Limit: xb.RateLimit.Limit, Window: ms(xb.RateLimit.WindowMs)}
	}
	ref, err := schemaRef(&m.Payload)
	if err != nil {
		return nil, err
	}
	e.SchemaName = ref
	for _, ex := range m.Examples {
		raw, err := jsonOf(ex.Payload)
		if err != nil {
			return nil, fmt.Errorf("example %q: %w", ex.Name, err)
		}
		e.Examples = append(e.Examples, raw)
	}
	return e, nil
}

// link resolves the role references between events.
func (c *Contract) link(binds map[*Event]*rawMessageBind) error {
	get := func(e *Event, what, r string) (*Event, error) {
		t, ok := c.byRole[Role(r)]
		if !ok {
			return nil, fmt.Errorf("event %s: %s %q is not the role of any event", e.Name, what, r)
		}
		return t, nil
	}
	var err error
	for _, e := range c.Events {
		xb := binds[e]
		if e.IsClient() {
			if xb.Reply == "" || xb.ErrorEvent == "" {
				return fmt.Errorf("client event %s: reply and errorEvent are required", e.Name)
			}
			if e.Reply, err = get(e, "reply", xb.Reply); err != nil {
				return err
			}
			if e.ErrorEvent, err = get(e, "errorEvent", xb.ErrorEvent); err != nil {
				return err
			}
			if len(e.AllowedRoles) == 0 {
				return fmt.Errorf("client event %s: allowedRoles is empty", e.Name)
			}
		}
		for _, r := range xb.Broadcasts {
			t, err := get(e, "broadcasts", r)
			if err != nil {
				return err
			}
			e.Broadcasts = append(e.Broadcasts, t)
		}
		for _, r := range xb.Answers {
			t, err := get(e, "answers", r)
			if err != nil {
				return err
			}
			e.Answers = append(e.Answers, t)
		}
	}
	return nil
}

func (c *Contract) buildNamespaces(doc *rawDocument) error {
	keys := make([]string, 0, len(doc.Channels))
	for k := range doc.Channels {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return doc.Channels[keys[i]].Binding.Line < doc.Channels[keys[j]].Binding.Line })
	seen := map[string]bool{}
	for _, k := range keys {
		ch := doc.Channels[k]
		var xb rawChannelBind
		if err := decodeStrict(&ch.Binding, &xb); err != nil {
			return fmt.Errorf("channel %s: %w", k, err)
		}
		if xb.Namespace == "" {
			return fmt.Errorf("channel %s: x-socketio.namespace is required", k)
		}
		ns := &Namespace{Path: xb.Namespace, Roles: xb.Roles, Refuses: xb.Refuses}
		for _, e := range c.Events {
			if e.InNamespace(ns.Path) {
				ns.Events = append(ns.Events, e)
			}
		}
		seen[ns.Path] = true
		c.Namespaces = append(c.Namespaces, ns)
	}
	for _, e := range c.Events {
		for _, n := range e.Namespaces {
			if !seen[n] {
				return fmt.Errorf("event %s: namespace %s has no channel", e.Name, n)
			}
		}
	}
	return nil
}

func (c *Contract) checkClauses() error {
	ids := map[string]bool{}
	for _, cl := range c.clauses {
		if cl.ID == "" || ids[cl.ID] {
			return fmt.Errorf("clauses: id %q is empty or used twice", cl.ID)
		}
		ids[cl.ID] = true
	}
	return nil
}

// Event returns the event with the given wire name, or nil.
func (c *Contract) Event(name string) *Event { return c.byName[name] }

// ByRole returns the event with the given semantic role, or nil when the contract has
// none (a small variant contract may leave events out).
func (c *Contract) ByRole(r Role) *Event { return c.byRole[r] }

// Namespace returns the namespace with the given path, or nil.
func (c *Contract) Namespace(path string) *Namespace {
	for _, n := range c.Namespaces {
		if n.Path == path {
			return n
		}
	}
	return nil
}

// ClientEvent returns the client event called name that namespace ns carries: the
// allow-list check. It returns nil for an unknown name, a server event or another
// namespace's event.
func (c *Contract) ClientEvent(ns, name string) *Event {
	e := c.byName[name]
	if e == nil || !e.IsClient() || !e.InNamespace(ns) {
		return nil
	}
	return e
}

// Document returns the document bytes the contract was parsed from.
func (c *Contract) Document() []byte { return c.raw }
