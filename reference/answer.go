package reference

import (
	"encoding/json"
	"strings"

	"github.com/utalk/rtconform/spec"
)

// emitTo sends the event of role r to one socket; a role the contract lacks is
// skipped.
func (s *Server) emitTo(ss *session, r spec.Role, payload any) {
	if e := s.c.ByRole(r); e != nil {
		_ = ss.sock.Emit(e.Name, payload)
	}
}

// callAck answers the client's acknowledgement callback, when it gave one, with
// {"event": <the answer's name>, "data": <its payload>} (DECISIONS D2).
func (r *request) callAck(role spec.Role, payload any) {
	if r.ack == nil {
		return
	}
	if e := r.srv.c.ByRole(role); e != nil {
		r.ack([]any{ackAnswer{Data: payload, Event: e.Name}}, nil)
	}
}

// ackAnswer is the acknowledgement's argument. A struct encodes without the map's
// allocations and key sorting; its fields are in the order a map's keys would be,
// so the bytes are the same.
type ackAnswer struct {
	Data  any    `json:"data" msgpack:"data"`
	Event string `json:"event" msgpack:"event"`
}

// reply answers an accepted event with its reply event (and the ack).
func (r *request) reply(payload any) {
	if r.srv.mut.on(MutationUncorrelatedReplies) {
		payload = decorrelate(payload, r.e.Reply.Correlation)
	}
	_ = r.ss.sock.Emit(r.e.Reply.Name, payload)
	r.callAck(r.e.Reply.Role, payload)
	r.srv.m.answered(r.e.Name, r.start)
}

// fail answers a rejected event with its error event, or with the generic error
// when the event has none of its own or its correlation cannot be read (D2).
func (r *request) fail(code spec.Code, message string, details map[string]any) {
	s := r.srv
	if code == spec.CodeValidationError && s.mut.on(MutationWrongErrorCode) {
		code = spec.CodeInvalidEvent
	}
	s.m.error(string(code))
	env := envelope{Code: string(code), Message: truncate(message, 1000), Details: details}
	if r.e == nil {
		r.genericError(env)
		return
	}
	env.Event = r.e.Name
	errEv := r.e.ErrorEvent
	switch {
	case errEv == nil || errEv.Role == spec.GenericError:
		r.genericError(env)
	case r.e.Correlation != "" && r.corr == "":
		r.genericError(env)
	case errEv.Role == spec.MessageError:
		if !r.messageError(errEv, env) {
			r.genericError(env)
		}
	default: // an envelope-shaped error event of its own (auth:failed)
		env.CorrelationID = correlationID(r.corr)
		r.send(errEv, env)
	}
	if r.e != nil {
		s.m.answered(r.e.Name, r.start)
	}
}

// messageError sends message:error; it reports false when the payload would not
// validate (a messageId that is not a ClientMessageId), so the caller falls back.
func (r *request) messageError(errEv *spec.Event, env envelope) bool {
	conv, _ := r.p["conversationId"].(string)
	env.CorrelationID = correlationID(r.corr)
	for _, c := range []string{conv, ""} {
		p := messageError{MessageID: r.corr, ConversationID: c, Error: env}
		if errEv.Validate(asJSON(p)) == nil {
			r.send(errEv, p)
			return true
		}
	}
	return false
}

func (r *request) genericError(env envelope) {
	s := r.srv
	ge := s.c.ByRole(spec.GenericError)
	if ge == nil {
		return
	}
	env.Event = truncate(env.Event, 200)
	env.CorrelationID = correlationID(r.corr)
	r.send(ge, env)
}

// invalidEvent answers a name that is not in the socket's allow-list.
func (r *request) invalidEvent(name string) {
	name = truncate(name, 200)
	env := envelope{Code: string(spec.CodeInvalidEvent), Message: "Evento no permitido: " + name,
		Details: map[string]any{"event": name}, Event: name}
	if name == "" {
		env.Message, env.Details = "Evento no permitido", nil
	}
	r.srv.m.error(string(spec.CodeInvalidEvent))
	r.genericError(env)
}

func (r *request) send(e *spec.Event, payload any) {
	_ = r.ss.sock.Emit(e.Name, payload)
	r.callAck(e.Role, payload)
}

// correlationID is v when it fits the envelope's correlationId (at most 128
// characters), else empty.
func correlationID(v string) string {
	if len(v) > 128 {
		return ""
	}
	return v
}

// asJSON turns a payload struct into the decoded JSON the schemas validate.
func asJSON(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

// decorrelate is MutationUncorrelatedReplies: the correlation field of a reply is
// replaced by another well-formed value.
func decorrelate(payload any, field string) any {
	m, ok := asJSON(payload).(map[string]any)
	if !ok || field == "" {
		return payload
	}
	if v, _ := m[field].(string); strings.HasPrefix(v, "conv_") {
		m[field] = "conv_uncorrelated" + randomHex(4)
	} else {
		m[field] = "uncorrelated-" + randomHex(4)
	}
	return m
}
