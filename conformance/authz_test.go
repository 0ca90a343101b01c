package conformance_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/utalk/rtconform/conformance"
	"github.com/utalk/rtconform/spec"
)

// memberEvent is a client event that needs an existing conversation (access mode member).
func memberEvent(ns string) *spec.Event {
	for _, e := range contract.Events {
		if e.IsClient() && e.Access != nil && e.Access.Mode == spec.AccessMember && e.InNamespace(ns) && e.Allows("agent") {
			return e
		}
	}
	Skip(MissingPrefix + "no member-mode client event on " + ns)
	return nil
}

var _ = Describe("authz", Label("authz"), func() {
	It("keeps tenants apart: a member event on another tenant's conversation is ACCESS_DENIED, and the same id is another conversation", clause("authz.cross-tenant"), func(ctx SpecContext) {
		w := NewWorld()
		r := newRoom(ctx, w)
		f := w.Foreign()
		x := connect(ctx, f, f.User("agent"), r.ns)
		e := memberEvent(r.ns)
		a := request(ctx, x, e, Valid(e, Fill{Conversation: r.conv}))
		Expect(a.IsError).To(BeTrue(), "%s on another tenant's conversation was accepted: %s", e.Name, a)
		Expect(a.Code()).To(Equal(spec.CodeAccessDenied))
		// Joining the same id makes the other tenant's own conversation: nothing crosses.
		accepted(ctx, x, r.join, Valid(r.join, Fill{Conversation: r.conv}))
		accepted(ctx, x, r.send, f.Text(r.conv, "foreign"))
		r.say(ctx, r.a, "local")
		r.barrier(ctx, r.a, r.b)
		Expect(r.news(r.b, "")).To(HaveLen(2), "the peer saw a message of another tenant")
		Expect(r.news(x, "")).To(BeEmpty(), "another tenant received this tenant's messages")
	})
	It("keeps workspaces apart: join and send to another workspace's conversation give ACCESS_DENIED", clause("authz.cross-workspace"), func(ctx SpecContext) {
		w := NewWorld()
		r := newRoom(ctx, w)
		s := w.Sibling()
		x := connect(ctx, s, s.User("agent"), r.ns)
		a := request(ctx, x, r.join, Valid(r.join, Fill{Conversation: r.conv}))
		Expect(a.IsError).To(BeTrue(), "join across workspaces accepted: %s", a)
		Expect(a.Code()).To(Equal(spec.CodeAccessDenied))
		a = request(ctx, x, r.send, s.Text(r.conv, "intruder"))
		Expect(a.IsError).To(BeTrue(), "send across workspaces accepted: %s", a)
		Expect(a.Code()).To(Equal(spec.CodeAccessDenied))
		r.barrier(ctx, r.a, r.b)
		Expect(r.news(r.b, "")).To(HaveLen(1), "a refused send was delivered")
	})
	It("delivers nothing of one tenant to another under traffic", clause("authz.isolation"), func(ctx SpecContext) {
		w := NewWorld()
		r := newRoom(ctx, w)
		f := w.Foreign()
		// The other tenant uses the same conversation id and is watching it.
		o := &room{w: f, conv: r.conv, ns: r.ns, send: r.send, join: r.join}
		o.a = connect(ctx, f, f.User("agent"), r.ns)
		o.b = connect(ctx, f, f.User("agent"), r.ns)
		o.member(ctx, o.a)
		o.member(ctx, o.b)
		for i := 0; i < 20; i++ {
			r.say(ctx, r.a, "tenant A traffic")
		}
		r.barrier(ctx, r.a, r.b)
		o.barrier(ctx, o.a, o.b)
		for _, e := range o.b.Events() {
			Expect(e.Field("tenantId")).NotTo(Equal(w.Tenant))
		}
		Expect(o.news(o.b, "")).To(HaveLen(1), "the other tenant received tenant A's messages")
	})
})
