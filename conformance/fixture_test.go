package conformance_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/utalk/rtconform/conformance"
	"github.com/utalk/rtconform/spec"
)

// room is a conversation with two members connected: a sender and a peer.
type room struct {
	w          *World
	conv       string
	ns         string
	send, join *spec.Event
	a, b       *Client
}

// newRoom connects two agents of w and makes both members of a fresh conversation.
func newRoom(ctx context.Context, w *World, opts ...DialOption) *room {
	GinkgoHelper()
	r := &room{w: w, conv: ConversationID(), ns: appNS(), send: ev(spec.SendMessage), join: ev(spec.JoinConversation)}
	r.a = connect(ctx, w, w.User("agent"), r.ns, opts...)
	r.b = connect(ctx, w, w.User("agent"), r.ns, opts...)
	r.member(ctx, r.a)
	r.member(ctx, r.b)
	return r
}

// member makes c a member of the room's conversation.
func (r *room) member(ctx context.Context, c *Client) Answer {
	GinkgoHelper()
	return accepted(ctx, c, r.join, Valid(r.join, Fill{Conversation: r.conv}))
}

// say sends a text from c and returns the accepted reply.
func (r *room) say(ctx context.Context, c *Client, text string) Answer {
	GinkgoHelper()
	return accepted(ctx, c, r.send, r.w.Text(r.conv, text))
}

// news returns the message:new events c received for the room, by messageId.
func (r *room) news(c *Client, messageID string) []Event {
	key := r.send.IdempotencyKey
	var out []Event
	for _, e := range c.Events(spec.MessageNew) {
		if messageID == "" || e.Field(key) == messageID {
			out = append(out, e)
		}
	}
	return out
}

// barrier sends a marker from `from` and waits until `to` has its message:new: any
// earlier message:new of the conversation has reached `to` by then (seq order).
func (r *room) barrier(ctx context.Context, from, to *Client) {
	GinkgoHelper()
	p := r.w.Text(r.conv, "barrier")
	accepted(ctx, from, r.send, p)
	id := r.w.MessageID(p)
	_, err := to.WaitFor(ctx, spec.MessageNew, func(e Event) bool { return e.Field(r.send.IdempotencyKey) == id })
	Expect(err).NotTo(HaveOccurred(), "the barrier message never reached %s", to.Actor)
}

// seq returns the seq of a payload.
func seq(e Event) float64 {
	f, _ := e.Object()["seq"].(float64)
	return f
}

// expectNoError fails the spec when err is not nil.
func ok(err error, what string, args ...any) {
	GinkgoHelper()
	Expect(err).NotTo(HaveOccurred(), append([]any{what}, args...)...)
}

// waitFor waits for the first event of role r on c that matches and fails the spec
// when none comes.
func waitFor(ctx context.Context, c *Client, r spec.Role, what string, match func(Event) bool) Event {
	GinkgoHelper()
	e, err := c.WaitFor(ctx, r, match)
	Expect(err).NotTo(HaveOccurred(), "%s never received %s (%s)", c.Actor, what, r)
	return e
}

// field matches events whose string field name is value.
func field(name, value string) func(Event) bool {
	return func(e Event) bool { return e.Field(name) == value }
}

// fields matches events whose string fields have the given values.
func fields(kv ...string) func(Event) bool {
	return func(e Event) bool {
		for i := 0; i+1 < len(kv); i += 2 {
			if e.Field(kv[i]) != kv[i+1] {
				return false
			}
		}
		return true
	}
}

// requireControl returns the control-surface client or skips the spec as missing.
func requireControl(w *World) *Control {
	GinkgoHelper()
	ctl, why := w.Control()
	if ctl == nil {
		Skip(MissingPrefix + why)
	}
	return ctl
}

// nsOf returns the first namespace of event role r that admits userRole.
func nsOf(r spec.Role, userRole string) string {
	e := ev(r)
	for _, ns := range e.Namespaces {
		if n := contract.Namespace(ns); n != nil && n.Admits(userRole) {
			return ns
		}
	}
	Skip(MissingPrefix + "no namespace of " + e.Name + " admits " + userRole)
	return ""
}

// mustJSON encodes v.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	Expect(err).NotTo(HaveOccurred())
	return b
}

// inboundRetrying posts one inbound message, and posts it again with the same
// MessageSid when the answer is a 5xx, as Twilio retries a webhook (the contract
// deduplicates inbound messages by MessageSid for that reason). Set-up traffic only:
// the channel specs call Inbound once and take its answer as it is.
func inboundRetrying(ctx context.Context, ctl *Control, customer, business, text, sid string) error {
	var err error
	for try := 1; try <= 3; try++ {
		err = ctl.Inbound(ctx, customer, business, text, sid)
		var ce *ControlError
		if !errors.As(err, &ce) || ce.Status < 500 {
			return err
		}
		rec.Note("inbound %s answered HTTP %d; posted again with the same MessageSid, as Twilio would", sid, ce.Status)
	}
	return err
}

// floodInbound posts n inbound customer messages (fresh sids) from customer to
// business through the webhook, from workers goroutines, and returns the sids in the
// order they were posted by each worker.
func floodInbound(ctx context.Context, ctl *Control, customer, business string, n, workers int, text string) []string {
	GinkgoHelper()
	sids := make(chan string, n)
	for i := 0; i < n; i++ {
		sids <- TwilioSid()
	}
	close(sids)
	errs := make(chan error, workers)
	var mu sync.Mutex
	var posted []string
	var wg sync.WaitGroup
	for k := 0; k < workers; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for sid := range sids {
				if err := inboundRetrying(ctx, ctl, customer, business, text, sid); err != nil {
					errs <- err
					return
				}
				mu.Lock()
				posted = append(posted, sid)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		Expect(err).NotTo(HaveOccurred(), "inbound webhook")
	}
	return posted
}
