package conformance_test

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/utalk/rtconform/conformance"
	"github.com/utalk/rtconform/spec"
)

// presenceOf counts what observer o received about user id: user:connected,
// user:disconnected, and the presence:update statuses in order.
type presenceOf struct {
	connected, disconnected int
	statuses                []string
}

func presence(o *Client, id string) presenceOf {
	var p presenceOf
	p.connected = o.Count(spec.UserConnected, field("userId", id))
	p.disconnected = o.Count(spec.UserDisconnected, field("userId", id))
	for _, e := range o.Events(spec.PresenceUpdate) {
		if e.Field("userId") == id {
			p.statuses = append(p.statuses, e.Field("status"))
		}
	}
	return p
}

// settle connects a new user of the workspace on instance i and waits until observer
// o heard of it. The absence of an event cannot be awaited; this is the barrier: a
// disconnect the server handled before that handshake has been announced by then.
func settle(ctx context.Context, w *World, o *Client, i int) {
	GinkgoHelper()
	v := connect(ctx, w, w.User("agent"), o.NS, OnInstance(i))
	waitFor(ctx, o, spec.UserConnected, "the barrier user's user:connected", field("userId", v.User.ID))
}

// onlineIn asks sync:state from c and returns the user ids it lists online.
func onlineIn(ctx context.Context, c *Client) []string {
	GinkgoHelper()
	e := ev(spec.SyncState)
	p := Valid(e, Fill{})
	delete(p, "lastSync")
	a := accepted(ctx, c, e, p)
	var ids []string
	users, _ := a.Object()["onlineUsers"].([]any)
	for _, u := range users {
		ids = append(ids, str(u, "userId"))
	}
	return ids
}

var _ = Describe("presence", Label("presence"), func() {
	It("announces a user's first socket and its last one, not the tabs between", clause("presence.lifecycle"), func(ctx SpecContext) {
		w := NewWorld()
		ns := appNS()
		o := connect(ctx, w, w.User("agent"), ns)
		u := w.User("agent")
		tab1 := connect(ctx, w, u, ns)
		waitFor(ctx, o, spec.UserConnected, "user:connected of the first socket", field("userId", u.ID))
		waitFor(ctx, o, spec.PresenceUpdate, "presence:update online", fields("userId", u.ID, "status", "online"))
		tab2 := connect(ctx, w, u, ns)
		tab1.Close()
		settle(ctx, w, o, 0)
		p := presence(o, u.ID)
		Expect(p.connected).To(Equal(1), "user:connected for a second tab")
		Expect(p.disconnected).To(Equal(0), "user:disconnected while a tab is still open")
		Expect(p.statuses).To(Equal([]string{"online"}))
		Expect(onlineIn(ctx, o)).To(ContainElement(u.ID), "sync:state onlineUsers while a tab is open")
		tab2.Close()
		waitFor(ctx, o, spec.UserDisconnected, "user:disconnected of the last socket", field("userId", u.ID))
		waitFor(ctx, o, spec.PresenceUpdate, "presence:update offline", fields("userId", u.ID, "status", "offline"))
		Expect(onlineIn(ctx, o)).NotTo(ContainElement(u.ID), "sync:state onlineUsers after the last socket left")
	})

	It("keeps a user with tabs on two instances online until both leave", clause("presence.multi-tab"), func(ctx SpecContext) {
		w := NewWorld()
		require(spec.RequiresMultiInstance)
		ns := appNS()
		o := connect(ctx, w, w.User("agent"), ns)
		u := w.User("agent")
		tab0 := connect(ctx, w, u, ns, OnInstance(0))
		waitFor(ctx, o, spec.UserConnected, "user:connected", field("userId", u.ID))
		tab1 := connect(ctx, w, u, ns, OnInstance(1))
		tab0.Close()
		settle(ctx, w, o, 0)
		settle(ctx, w, o, 1)
		p := presence(o, u.ID)
		Expect(p.connected).To(Equal(1), "user:connected for the tab on the other instance")
		Expect(p.disconnected).To(Equal(0), "user:disconnected while the tab on the other instance is open")
		Expect(onlineIn(ctx, o)).To(ContainElement(u.ID))
		tab1.Close()
		waitFor(ctx, o, spec.UserDisconnected, "user:disconnected once both tabs left", field("userId", u.ID))
		waitFor(ctx, o, spec.PresenceUpdate, "presence:update offline", fields("userId", u.ID, "status", "offline"))
		Expect(onlineIn(ctx, o)).NotTo(ContainElement(u.ID))
	})
})
