package conformance

import (
	"context"
	"fmt"

	"github.com/utalk/rtconform/spec"
)

// Answer is the server's answer to one client event: its reply or an error event.
type Answer struct {
	Event
	// IsError is true when the answer is the event's error event or the generic error.
	IsError bool
	// Envelope is the error envelope {code, message, details, ...} of an error answer.
	Envelope map[string]any
}

// Code returns the error code of an error answer, or "".
func (a Answer) Code() spec.Code { return spec.Code(str(a.Envelope, "code")) }

// Details returns the details object of an error answer.
func (a Answer) Details() map[string]any { m, _ := a.Envelope["details"].(map[string]any); return m }

// String describes the answer for failure messages.
func (a Answer) String() string {
	if a.IsError {
		return fmt.Sprintf("%s %s %v", a.Name, a.Code(), a.Envelope)
	}
	return fmt.Sprintf("%s %v", a.Name, a.Data)
}

// AckResult is what the acknowledgement callback was called with.
type AckResult struct {
	Args []any
	Err  error
}

// Body returns the ack's first argument as an object: {event, data} per DECISIONS D2.
func (r AckResult) Body() map[string]any {
	if len(r.Args) == 0 {
		return nil
	}
	m, _ := r.Args[0].(map[string]any)
	return m
}

// Emit sends client event e with payload and no acknowledgement callback.
func (c *Client) Emit(e *spec.Event, payload any) {
	c.w.Rec.Add("sent", c.Actor, e.Name, payload, "")
	if err := c.sock.Emit(e.Name, payload); err != nil {
		c.w.Rec.Note("emit %s: %v", e.Name, err)
	}
}

// EmitRaw sends an event by wire name: for names the contract lacks (allow-list specs).
func (c *Client) EmitRaw(name string, payload any) {
	c.w.Rec.Add("sent", c.Actor, name, payload, "raw")
	if err := c.sock.Emit(name, payload); err != nil {
		c.w.Rec.Note("emit %s: %v", name, err)
	}
}

// EmitAck sends e with an acknowledgement callback; the result arrives on the channel.
func (c *Client) EmitAck(e *spec.Event, payload any) <-chan AckResult {
	ch := make(chan AckResult, 1)
	c.w.Rec.Add("sent", c.Actor, e.Name, payload, "with ack")
	err := c.sock.Emit(e.Name, payload, func(args []any, err error) {
		var norm []any
		for _, a := range args {
			norm = append(norm, normalize(a))
		}
		c.w.Rec.Add("ack", c.Actor, e.Name, first(norm), errString(err))
		ch <- AckResult{Args: norm, Err: err}
	})
	if err != nil {
		ch <- AckResult{Err: err}
	}
	return ch
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// Correlation returns the value of e's correlation field in payload ("" when e has none).
func Correlation(e *spec.Event, payload any) string {
	if e.Correlation == "" {
		return ""
	}
	return str(payload, e.Correlation)
}

// Request sends e and waits for its answer, matched by the correlation field.
func (c *Client) Request(ctx context.Context, e *spec.Event, payload map[string]any) (Answer, error) {
	from := len(c.Events())
	c.Emit(e, payload)
	return c.WaitAnswer(ctx, e, Correlation(e, payload), from)
}

// WaitAnswer waits for the answer to e with correlation value corr among the events
// received from index from on. An event without a correlation field takes the first
// reply or error event after from.
func (c *Client) WaitAnswer(ctx context.Context, e *spec.Event, corr string, from int) (Answer, error) {
	var got Answer
	err := c.WaitUntil(ctx, fmt.Sprintf("the answer to %s %s=%q (%s or %s)", e.Name, e.Correlation, corr, e.Reply.Name, e.ErrorEvent.Name), func() bool {
		evs := c.Events()
		for _, ev := range evs[min(from, len(evs)):] {
			if a, ok := c.w.answerOf(e, corr, ev); ok {
				got = a
				return true
			}
		}
		return false
	})
	return got, err
}

// Answers returns every answer to e with correlation corr received so far.
func (c *Client) Answers(e *spec.Event, corr string) []Answer {
	var out []Answer
	for _, ev := range c.Events() {
		if a, ok := c.w.answerOf(e, corr, ev); ok {
			out = append(out, a)
		}
	}
	return out
}

// answerOf reports whether ev answers client event e with correlation corr.
func (w *World) answerOf(e *spec.Event, corr string, ev Event) (Answer, bool) {
	generic := w.T.Contract.ByRole(spec.GenericError)
	match := func(field string) bool { return corr == "" || str(ev.Data, field) == corr }
	switch {
	case ev.Event == nil:
		return Answer{}, false
	case ev.Event == e.Reply:
		return Answer{Event: ev}, match(e.Correlation)
	case ev.Event == e.ErrorEvent && ev.Event != generic:
		return Answer{Event: ev, IsError: true, Envelope: envelope(ev.Data)}, match(e.Correlation)
	case ev.Event == generic:
		env := envelope(ev.Data)
		if corr == "" {
			return Answer{Event: ev, IsError: true, Envelope: env}, str(env, "event") == e.Name || str(env, "event") == ""
		}
		return Answer{Event: ev, IsError: true, Envelope: env}, str(env, "correlationId") == corr
	}
	return Answer{}, false
}

// envelope finds the error envelope in an error payload: the payload itself or its
// "error" member.
func envelope(data any) map[string]any {
	m, _ := data.(map[string]any)
	if _, ok := m["code"].(string); ok {
		return m
	}
	inner, _ := m["error"].(map[string]any)
	return inner
}
