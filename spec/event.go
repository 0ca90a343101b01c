package spec

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Direction says who emits an event.
type Direction string

// The two directions of the binding.
const (
	ClientToServer Direction = "clientToServer"
	ServerToClient Direction = "serverToClient"
)

// RateLimit is the per-socket limit of one client event.
type RateLimit struct {
	Limit  int           `json:"limit"`
	Window time.Duration `json:"window"`
}

// Access says which payload field names the resource a client event acts on, and how
// access is granted: "member" (the conversation exists and is the socket's tenant and
// workspace) or "create-or-member" (as member, and a missing conversation is created).
type Access struct {
	Field string `json:"field"`
	Mode  string `json:"mode"`
}

// Access modes.
const (
	AccessMember         = "member"
	AccessCreateOrMember = "create-or-member"
)

// Event is one Socket.IO event of the catalogue.
type Event struct {
	// Key is the component key of the message in the AsyncAPI document.
	Key string `json:"key"`
	// Name is the event name on the wire.
	Name string `json:"name"`
	// Role is the stable semantic role; code looks events up by it.
	Role       Role      `json:"role"`
	Direction  Direction `json:"direction"`
	Namespaces []string  `json:"namespaces"`
	Summary    string    `json:"summary"`
	// Extension is true for events added beyond the source document.
	Extension bool `json:"extension,omitempty"`

	// Client events.
	AllowedRoles   []string  `json:"allowedRoles,omitempty"`
	Reply          *Event    `json:"-"`
	ErrorEvent     *Event    `json:"-"`
	Ack            bool      `json:"ack,omitempty"`
	Correlation    string    `json:"correlation,omitempty"`
	IdempotencyKey string    `json:"idempotencyKey,omitempty"`
	Access         *Access   `json:"access,omitempty"`
	Broadcasts     []*Event  `json:"-"`
	RateLimit      RateLimit `json:"rateLimit"`
	Errors         []Code    `json:"errors,omitempty"`

	// Server events.
	Rooms    []string `json:"rooms,omitempty"`
	Excludes string   `json:"excludes,omitempty"`
	Answers  []*Event `json:"-"`
	Control  string   `json:"control,omitempty"`
	Interval time.Duration

	// Examples are the example payloads of the document, as JSON.
	Examples []json.RawMessage `json:"-"`
	// SchemaName is the components/schemas key of the payload schema.
	SchemaName string `json:"schema"`

	schema *jsonschema.Schema
}

// IsClient reports whether clients emit the event.
func (e *Event) IsClient() bool { return e.Direction == ClientToServer }

// InNamespace reports whether the event is carried by namespace ns.
func (e *Event) InNamespace(ns string) bool { return slices.Contains(e.Namespaces, ns) }

// Allows reports whether a user of the given role may emit the (client) event.
func (e *Event) Allows(userRole string) bool { return slices.Contains(e.AllowedRoles, userRole) }

// MayRaise reports whether the event lists code among the errors it can produce.
func (e *Event) MayRaise(code Code) bool { return slices.Contains(e.Errors, code) }

// ToSender reports whether the (server) event goes to the requesting socket only.
func (e *Event) ToSender() bool { return slices.Contains(e.Rooms, "sender") }
