package conformance

import (
	"encoding/json"
	"regexp"

	"github.com/utalk/rtconform/spec"
)

// serverIDPattern matches the example values that stand for a server message id.
var serverIDPattern = regexp.MustCompile(`^msg_[A-Za-z0-9_-]+$`)

// Fill is what a generated payload refers to.
type Fill struct {
	// Conversation goes into the event's access field.
	Conversation string
	// ServerMessageID replaces example values that are server message ids.
	ServerMessageID string
	// Token replaces a "token" field (auth refresh).
	Token string
}

// Valid builds a valid payload for client event e from the contract's first example:
// the access field names f.Conversation, the correlation and idempotency fields get a
// fresh unique value, server message ids and tokens are replaced.
func Valid(e *spec.Event, f Fill) map[string]any {
	p := map[string]any{}
	if len(e.Examples) > 0 {
		_ = json.Unmarshal(e.Examples[0], &p)
	}
	for k, v := range p {
		if s, ok := v.(string); ok && serverIDPattern.MatchString(s) && f.ServerMessageID != "" {
			p[k] = f.ServerMessageID
		}
	}
	if _, ok := p["token"]; ok && f.Token != "" {
		p["token"] = f.Token
	}
	if e.Access != nil && f.Conversation != "" {
		p[e.Access.Field] = f.Conversation
	}
	for _, field := range []string{e.Correlation, e.IdempotencyKey} {
		if field == "" || (e.Access != nil && field == e.Access.Field) {
			continue
		}
		p[field] = UniqueID("c")
	}
	return p
}

// Without returns a copy of p without field.
func Without(p map[string]any, field string) map[string]any {
	out := make(map[string]any, len(p))
	for k, v := range p {
		if k != field {
			out[k] = v
		}
	}
	return out
}

// With returns a copy of p with field set to v.
func With(p map[string]any, field string, v any) map[string]any {
	out := Without(p, field)
	out[field] = v
	return out
}

// Text builds a valid message:send payload with a fresh messageId.
func (w *World) Text(conv, text string) map[string]any {
	e := w.C.ByRole(spec.SendMessage)
	p := Valid(e, Fill{Conversation: conv})
	p["text"] = text
	p["type"] = "text"
	delete(p, "mediaId")
	return p
}

// MessageID returns the idempotency key of a message:send payload.
func (w *World) MessageID(p map[string]any) string {
	return str(p, w.C.ByRole(spec.SendMessage).IdempotencyKey)
}

// Normalize round-trips a value through JSON, as a payload on the wire would be.
func Normalize(v any) any { return normalize(v) }
