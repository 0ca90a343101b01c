package conformance_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/utalk/rtconform/conformance"
	"github.com/utalk/rtconform/spec"
)

// typingOf matches the typing:update of user id with the given state.
func typingOf(conv, id string, on bool) func(Event) bool {
	return func(e Event) bool {
		return e.Field("conversationId") == conv && e.Field("userId") == id && e.Object()["typing"] == on
	}
}

// unread matches conversation:updated of conv with unreadCount n.
func unread(conv string, n int) func(Event) bool {
	return func(e Event) bool {
		f, ok := e.Object()["unreadCount"].(float64)
		return e.Field("id") == conv && ok && int(f) == n
	}
}

var _ = Describe("typing", Label("contract"), func() {
	It("relays typing:start and typing:stop to the other members as typing:update", clause("typing.relay"), func(ctx SpecContext) {
		w := NewWorld()
		r := newRoom(ctx, w)
		start, stop := ev(spec.TypingStart), ev(spec.TypingStop)
		a := accepted(ctx, r.a, start, Valid(start, Fill{Conversation: r.conv}))
		Expect(a.Object()).To(HaveKeyWithValue("typing", true))
		on := waitFor(ctx, r.b, spec.TypingUpdate, "typing:update typing true", typingOf(r.conv, r.a.User.ID, true))
		Expect(on.Field("expiresAt")).NotTo(BeEmpty(), "typing:update true says when it stops by itself")
		a = accepted(ctx, r.a, stop, Valid(stop, Fill{Conversation: r.conv}))
		Expect(a.Object()).To(HaveKeyWithValue("typing", false))
		waitFor(ctx, r.b, spec.TypingUpdate, "typing:update typing false", typingOf(r.conv, r.a.User.ID, false))
		r.barrier(ctx, r.b, r.a)
		Expect(r.a.Count(spec.TypingUpdate, nil)).To(BeZero(), "the typing socket got its own typing:update")
	})

	It("stops typing by itself after typingTimeoutMs", clause("typing.timeout"), func(ctx SpecContext) {
		w := NewWorld()
		r := newRoom(ctx, w)
		start := ev(spec.TypingStart)
		timeout := contract.Limits.TypingTimeout()
		began := time.Now()
		accepted(ctx, r.a, start, Valid(start, Fill{Conversation: r.conv}))
		on := waitFor(ctx, r.b, spec.TypingUpdate, "typing:update typing true", typingOf(r.conv, r.a.User.ID, true))
		if exp, err := time.Parse(time.RFC3339Nano, on.Field("expiresAt")); err == nil {
			Expect(exp).To(BeTemporally("~", on.At.Add(timeout), 2*time.Second), "expiresAt is typingTimeoutMs after the start")
		}
		off, err := r.b.WaitFor(ctx, spec.TypingUpdate, typingOf(r.conv, r.a.User.ID, false))
		Expect(err).NotTo(HaveOccurred(), "typing never stopped by itself (typingTimeoutMs %v)", timeout)
		Expect(off.At.Sub(began)).To(BeNumerically(">=", timeout-250*time.Millisecond), "typing stopped before typingTimeoutMs")
		Expect(off.At.Sub(began)).To(BeNumerically("<=", timeout+3*time.Second), "typing stopped long after typingTimeoutMs")
	})
})

var _ = Describe("read", Label("contract"), func() {
	It("counts unread messages per reader, and conversation:read resets the reader's count on every tab", clause("read.unread-count"), func(ctx SpecContext) {
		w := NewWorld()
		r := newRoom(ctx, w)
		read := ev(spec.ReadConversation)
		tab := connect(ctx, w, r.b.User, r.ns)
		sent := []Answer{r.say(ctx, r.a, "one"), r.say(ctx, r.a, "two"), r.say(ctx, r.a, "three")}
		waitFor(ctx, r.b, spec.ConversationUpdated, "the reader's unreadCount 3", unread(r.conv, 3))
		// The sender read its own messages; its other tab sees count 0.
		senderTab := connect(ctx, w, r.a.User, r.ns)
		r.say(ctx, r.a, "four")
		waitFor(ctx, senderTab, spec.ConversationUpdated, "the sender's unreadCount 0", unread(r.conv, 0))
		waitFor(ctx, r.b, spec.ConversationUpdated, "the reader's unreadCount 4", unread(r.conv, 4))
		p := Valid(read, Fill{Conversation: r.conv, ServerMessageID: sent[1].Field("id")})
		a := accepted(ctx, r.b, read, p)
		Expect(a.Object()).To(HaveKeyWithValue("unreadCount", BeNumerically("==", 2)), "read up to message 2 of 4")
		waitFor(ctx, tab, spec.ConversationUpdated, "the reader's other tab: unreadCount 2", unread(r.conv, 2))
		Expect(r.a.Count(spec.ConversationUpdated, unread(r.conv, 2))).To(BeZero(), "the sender got the reader's count")
	})
})
