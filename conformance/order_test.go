package conformance_test

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/utalk/rtconform/conformance"
	"github.com/utalk/rtconform/spec"
)

var _ = Describe("order", Label("order"), func() {
	It("matches replies to rapid sends by messageId and keeps seq order for the peer", clause("order.correlation", "order.per-conversation", "order.burst"), func(ctx SpecContext) {
		w := NewWorld()
		r := newRoom(ctx, w)
		const n = 50
		var ids []string
		from := len(r.a.Events())
		for i := 0; i < n; i++ {
			p := w.Text(r.conv, fmt.Sprintf("burst %02d", i))
			ids = append(ids, w.MessageID(p))
			r.a.Emit(r.send, p)
		}
		seqs := map[string]float64{}
		for i, id := range ids {
			a, err := r.a.WaitAnswer(ctx, r.send, id, from)
			Expect(err).NotTo(HaveOccurred())
			Expect(a.IsError).To(BeFalse(), "send %d refused: %s", i, a)
			Expect(a.Field(r.send.Correlation)).To(Equal(id))
			seqs[id] = seq(a.Event)
		}
		Expect(r.b.WaitUntil(ctx, fmt.Sprintf("%d message:new", n), func() bool { return len(r.news(r.b, "")) >= n })).To(Succeed())
		got := r.news(r.b, "")
		for i := range got {
			Expect(got[i].Field(r.send.IdempotencyKey)).To(Equal(ids[i]), "message %d arrived out of order", i)
			Expect(seq(got[i])).To(Equal(seqs[ids[i]]))
			if i > 0 {
				Expect(seq(got[i])).To(Equal(seq(got[i-1])+1), "gap or disorder in seq at %d", i)
			}
		}
	})
})

var _ = Describe("filter", Label("contract"), func() {
	It("answers an unknown event with INVALID_EVENT and processes nothing", clause("filter.allow-list"), func(ctx SpecContext) {
		w := NewWorld()
		c := connect(ctx, w, w.User("agent"), appNS())
		name := "conformance:unknown-" + UniqueID("e")
		c.EmitRaw(name, map[string]any{"x": 1})
		a, err := c.WaitFor(ctx, spec.GenericError, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(a.Object()).To(HaveKeyWithValue("code", string(spec.CodeInvalidEvent)))
		Expect(c.Connected()).To(BeTrue())
	})
	It("refuses a client event the role may not emit on its namespace with INVALID_EVENT", clause("filter.allow-list", "filter.check-order"), func(ctx SpecContext) {
		w := NewWorld()
		// An event of another namespace only (agent-takeover lives on /agent): sent on a
		// namespace that does not carry it, it is not on the allow-list.
		for _, e := range contract.Events {
			if !e.IsClient() {
				continue
			}
			for _, n := range contract.Namespaces {
				if n.Refuses || e.InNamespace(n.Path) || !n.Admits("agent") {
					continue
				}
				c := connect(ctx, w, w.User("agent"), n.Path)
				c.EmitRaw(e.Name, Valid(e, Fill{Conversation: ConversationID()}))
				a, err := c.WaitFor(ctx, spec.GenericError, nil)
				Expect(err).NotTo(HaveOccurred())
				Expect(a.Object()).To(HaveKeyWithValue("code", string(spec.CodeInvalidEvent)), "%s on %s", e.Name, n.Path)
				return
			}
		}
		Skip(MissingPrefix + "every client event is on every namespace")
	})
})
