package conformance_test

import (
	"context"
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/utalk/rtconform/conformance"
	"github.com/utalk/rtconform/internal/token"
	"github.com/utalk/rtconform/spec"
)

// refused dials with tok and expects connect_error with code.
func refused(ctx context.Context, w *World, u User, ns, tok string, code spec.Code) {
	GinkgoHelper()
	_, err := w.Dial(ctx, u, ns, WithToken(tok))
	var ce *ConnectError
	Expect(errors.As(err, &ce)).To(BeTrue(), "want connect_error %s, got %v", code, err)
	Expect(ce.Code).To(Equal(code), "connect_error data %v", ce.Data)
}

// forger returns the token forger or skips the spec (TOKEN_CMD cannot forge).
func forger(w *World) *token.Secret {
	GinkgoHelper()
	f := w.Forger()
	if f == nil {
		Skip(MissingPrefix + "forged tokens need JWT_SECRET (TOKEN_CMD cannot forge)")
	}
	return f
}

// appNS is a namespace admitting agents (the first one listed).
func appNS() string {
	for _, n := range contract.Namespaces {
		if n.Admits("agent") {
			return n.Path
		}
	}
	Skip(MissingPrefix + "no namespace admits agents")
	return ""
}

var _ = Describe("auth", Label("auth"), func() {
	It("refuses a handshake without a token", clause("auth.no-token"), func(ctx SpecContext) {
		w := NewWorld()
		refused(ctx, w, w.User("agent"), appNS(), "", spec.CodeAuthenticationFailed)
	})
	It("refuses a token signed with another secret", clause("auth.bad-signature"), func(ctx SpecContext) {
		w := NewWorld()
		u := w.User("agent")
		tok, err := forger(w).SignedWith([]byte("not-the-secret"), w.Claims(u, time.Minute))
		Expect(err).NotTo(HaveOccurred())
		refused(ctx, w, u, appNS(), tok, spec.CodeAuthenticationFailed)
	})
	It("refuses an unsigned token (alg none)", clause("auth.alg-none"), func(ctx SpecContext) {
		w := NewWorld()
		u := w.User("agent")
		tok, err := forger(w).Unsigned(w.Claims(u, time.Minute))
		Expect(err).NotTo(HaveOccurred())
		refused(ctx, w, u, appNS(), tok, spec.CodeAuthenticationFailed)
	})
	It("refuses an expired token with TOKEN_EXPIRED", clause("auth.expired"), func(ctx SpecContext) {
		w := NewWorld()
		u := w.User("agent")
		tok, err := w.Token(ctx, u, -time.Minute)
		Expect(err).NotTo(HaveOccurred())
		refused(ctx, w, u, appNS(), tok, spec.CodeTokenExpired)
	})
	It("refuses a role the namespace does not admit", clause("auth.namespace-role"), func(ctx SpecContext) {
		w := NewWorld()
		ns, role := "", ""
		for _, n := range contract.Namespaces {
			for _, r := range []string{"bot", "agent", "admin"} {
				if !n.Refuses && !n.Admits(r) && ns == "" {
					ns, role = n.Path, r
				}
			}
		}
		if ns == "" {
			Skip(MissingPrefix + "every namespace admits every role")
		}
		u := w.User(role)
		tok, err := w.Token(ctx, u, time.Minute)
		Expect(err).NotTo(HaveOccurred())
		refused(ctx, w, u, ns, tok, spec.CodeAccessDenied)
	})
	It("refuses the main namespace", clause("auth.root-namespace"), func(ctx SpecContext) {
		w := NewWorld()
		for _, n := range contract.Namespaces {
			if n.Refuses {
				u := w.User("admin")
				tok, err := w.Token(ctx, u, time.Minute)
				Expect(err).NotTo(HaveOccurred())
				refused(ctx, w, u, n.Path, tok, spec.CodeAccessDenied)
				return
			}
		}
		Skip(MissingPrefix + "the contract has no refusing namespace")
	})
	It("expires a session at exp: token:expired, io server disconnect, and the token stays refused", clause("auth.expiry-in-session"), func(ctx SpecContext) {
		w := NewWorld()
		u := w.User("agent")
		tok, err := w.Token(ctx, u, 3*time.Second)
		Expect(err).NotTo(HaveOccurred())
		c := connect(ctx, w, u, appNS(), WithToken(tok), Reconnecting())
		_, err = c.WaitFor(ctx, spec.TokenExpired, nil)
		Expect(err).NotTo(HaveOccurred())
		reason, err := c.WaitDisconnect(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(reason).To(Equal("io server disconnect"))
		refused(ctx, w, u, appNS(), tok, spec.CodeTokenExpired)
	})
	It("refreshes with a valid token and refuses a bad one, keeping the socket", clause("auth.refresh"), func(ctx SpecContext) {
		w := NewWorld()
		e := ev(spec.AuthRefresh)
		u := w.User("agent")
		c := connect(ctx, w, u, appNS())
		tok, err := w.Token(ctx, u, time.Hour)
		Expect(err).NotTo(HaveOccurred())
		a := request(ctx, c, e, Valid(e, Fill{Token: tok}))
		Expect(a.IsError).To(BeFalse(), "valid refresh refused: %s", a)
		other, err := w.Token(ctx, w.User("agent"), time.Hour)
		Expect(err).NotTo(HaveOccurred())
		a = request(ctx, c, e, Valid(e, Fill{Token: other}))
		Expect(a.IsError).To(BeTrue(), "a token of another user was accepted: %s", a)
		Expect(a.Event.Event).To(BeIdenticalTo(e.ErrorEvent))
		Expect(c.Connected()).To(BeTrue(), "the socket must stay after a failed refresh")
		a = request(ctx, c, e, Valid(e, Fill{Token: tok}))
		Expect(a.IsError).To(BeFalse(), "the socket stopped serving after a failed refresh: %s", a)
	})
	It("expels a user: user:expelled, disconnected, the same token refused", clause("auth.expulsion"), func(ctx SpecContext) {
		w := NewWorld()
		ctl, why := w.Control()
		if ctl == nil {
			Skip(MissingPrefix + why)
		}
		u := w.User("agent")
		tok, err := w.Token(ctx, u, time.Hour)
		Expect(err).NotTo(HaveOccurred())
		c := connect(ctx, w, u, appNS(), WithToken(tok))
		_, err = ctl.Expel(ctx, u, "conformance")
		Expect(err).NotTo(HaveOccurred())
		_, err = c.WaitFor(ctx, spec.UserExpelled, nil)
		Expect(err).NotTo(HaveOccurred())
		_, err = c.WaitDisconnect(ctx)
		Expect(err).NotTo(HaveOccurred())
		refused(ctx, w, u, appNS(), tok, spec.CodeUserExpelled)
	})
	It("limits the sockets of one user", clause("auth.connection-limit"), func(ctx SpecContext) {
		w := NewWorld()
		u := w.User("agent")
		limit := contract.Limits.MaxConnectionsPerUser
		for i := 0; i < limit; i++ {
			connect(ctx, w, u, appNS())
		}
		_, err := w.Dial(ctx, u, appNS())
		var refusal *ConnectError
		Expect(errors.As(err, &refusal)).To(BeTrue(), "socket %d of one user: want connect_error %s, got %v", limit+1, spec.CodeConnectionLimitExceeded, err)
		Expect(refusal.Code).To(Equal(spec.CodeConnectionLimitExceeded), "connect_error data %v", refusal.Data)
	})
})
