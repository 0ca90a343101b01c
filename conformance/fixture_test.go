package conformance_test

import (
	"context"

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
