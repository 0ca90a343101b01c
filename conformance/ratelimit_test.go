package conformance_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/utalk/rtconform/conformance"
	"github.com/utalk/rtconform/spec"
)

// The cheapest limited event: the one with the smallest per-event limit.
func limitedEvent() *spec.Event {
	var best *spec.Event
	for _, e := range contract.Events {
		if e.IsClient() && e.Access == nil && (best == nil || e.RateLimit.Limit < best.RateLimit.Limit) {
			best = e
		}
	}
	return best
}

var _ = Describe("ratelimit", Label("ratelimit"), func() {
	It("limits per event, leaves other events and sockets alone, and recovers after the window", clause("ratelimit.per-event", "ratelimit.isolation", "ratelimit.recovery"), func(ctx SpecContext) {
		w := NewWorld()
		if !target.Builtin && target.RateWindow > 10*time.Second && !GinkgoLabelFilterIncludesSlow() {
			Skip(MissingPrefix + "the target's rate window is " + target.RateWindow.String() + "; run with the slow label")
		}
		e := limitedEvent()
		u := w.User("agent")
		c := connect(ctx, w, u, appNS())
		for i := 0; i < e.RateLimit.Limit; i++ {
			accepted(ctx, c, e, Valid(e, Fill{}))
		}
		a := request(ctx, c, e, Valid(e, Fill{}))
		Expect(a.IsError).To(BeTrue(), "event %d past the limit %d was accepted", e.RateLimit.Limit+1, e.RateLimit.Limit)
		Expect(a.Code()).To(Equal(spec.CodeRateLimitExceeded))
		Expect(a.Details()).To(And(HaveKey("limit"), HaveKey("windowMs"), HaveKey("resetAt")))
		// Other events of the socket and other sockets are unaffected.
		join := ev(spec.JoinConversation)
		accepted(ctx, c, join, Valid(join, Fill{Conversation: ConversationID()}))
		other := connect(ctx, w, w.User("agent"), appNS())
		accepted(ctx, other, e, Valid(e, Fill{}))
		// After the window, normal service.
		Eventually(func() bool {
			x, err := c.Request(ctx, e, Valid(e, Fill{}))
			return err == nil && !x.IsError
		}).WithTimeout(target.RateWindow + w.WaitTimeout()).WithPolling(target.RateWindow / 4).Should(BeTrue())
	})
})

// GinkgoLabelFilterIncludesSlow reports whether the label filter asks for slow specs.
func GinkgoLabelFilterIncludesSlow() bool {
	return Label("slow").MatchesLabelFilter(GinkgoLabelFilter())
}
