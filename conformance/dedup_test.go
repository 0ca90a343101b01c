package conformance_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/utalk/rtconform/conformance"
	"github.com/utalk/rtconform/spec"
)

var _ = Describe("dedup", Label("dedup"), func() {
	It("answers a retry with the stored message, marked duplicate, and delivers it once", clause("dedup.same-reply", "dedup.single-delivery"), func(ctx SpecContext) {
		w := NewWorld()
		r := newRoom(ctx, w)
		p := w.Text(r.conv, "once")
		first := accepted(ctx, r.a, r.send, p)
		for i := 0; i < 3; i++ {
			again := accepted(ctx, r.a, r.send, p)
			Expect(again.Field("id")).To(Equal(first.Field("id")), "a retry got another message id")
			Expect(seq(again.Event)).To(Equal(seq(first.Event)), "a retry got another seq")
			Expect(again.Object()).To(HaveKeyWithValue("duplicate", true))
		}
		r.barrier(ctx, r.a, r.b)
		Expect(r.news(r.b, w.MessageID(p))).To(HaveLen(1), "the peer must get exactly one message:new")
	})
	It("holds across a reconnect", clause("dedup.after-reconnect"), func(ctx SpecContext) {
		w := NewWorld()
		r := newRoom(ctx, w)
		p := w.Text(r.conv, "before the drop")
		first := accepted(ctx, r.a, r.send, p)
		r.a.Close()
		again := connect(ctx, w, r.a.User, r.ns)
		a2 := accepted(ctx, again, r.send, p)
		Expect(a2.Field("id")).To(Equal(first.Field("id")))
		Expect(a2.Object()).To(HaveKeyWithValue("duplicate", true))
		r.barrier(ctx, again, r.b)
		Expect(r.news(r.b, w.MessageID(p))).To(HaveLen(1))
	})
	It("refuses the same messageId with another body", clause("dedup.conflict"), func(ctx SpecContext) {
		w := NewWorld()
		r := newRoom(ctx, w)
		p := w.Text(r.conv, "first body")
		accepted(ctx, r.a, r.send, p)
		a := request(ctx, r.a, r.send, With(p, "text", "another body"))
		Expect(a.IsError).To(BeTrue(), "a reused key with another body was accepted: %s", a)
		Expect(a.Code()).To(Equal(spec.CodeIdempotencyConflict))
	})
	It("scopes keys per tenant", clause("dedup.tenant-scope"), func(ctx SpecContext) {
		w := NewWorld()
		r1 := newRoom(ctx, w)
		r2 := newRoom(ctx, w.Foreign())
		p := w.Text(r1.conv, "same key")
		a1 := accepted(ctx, r1.a, r1.send, p)
		a2 := accepted(ctx, r2.a, r2.send, With(p, r2.send.Access.Field, r2.conv))
		Expect(a2.Object()).NotTo(HaveKeyWithValue("duplicate", true), "another tenant's key made a duplicate")
		Expect(a2.Field("id")).NotTo(Equal(a1.Field("id")))
	})
	It("holds when the retry lands on the other instance", clause("dedup.cross-instance"), func(ctx SpecContext) {
		w := NewWorld()
		require(spec.RequiresMultiInstance)
		r := newRoom(ctx, w)
		p := w.Text(r.conv, "cross")
		first := accepted(ctx, r.a, r.send, p)
		other := connect(ctx, w, r.a.User, r.ns, OnInstance(1))
		a2 := accepted(ctx, other, r.send, p)
		Expect(a2.Field("id")).To(Equal(first.Field("id")))
		Expect(a2.Object()).To(HaveKeyWithValue("duplicate", true))
		r.barrier(ctx, r.a, r.b)
		Expect(r.news(r.b, w.MessageID(p))).To(HaveLen(1))
	})
})
