package conformance_test

import (
	"fmt"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/utalk/rtconform/conformance"
	"github.com/utalk/rtconform/spec"
)

// stallBound is the longest a reply or a delivery may take while a member is stuck. A
// server that waits on the stuck socket stalls until it gives up on it (a write
// timeout or a ping timeout: seconds); one that does not answers in milliseconds.
// The margin covers a loaded CI machine.
const stallBound = 2 * time.Second

var _ = Describe("backpressure", Label("backpressure"), func() {
	It("delays neither the other members nor the sender's reply when a member stops reading, and drops that member", clause("backpressure.slow-consumer"), func(ctx SpecContext) {
		w := NewWorld()
		// The flood comes through the inbound webhook, which no rate limit slows.
		ctl := requireControl(w)
		business, customer := UniquePhone("415"), UniquePhone("555")
		ok(ctl.RegisterChannel(ctx, w, business), "registerChannel")
		conv := "conv_" + customer + "_" + business
		r := &room{w: w, conv: conv, ns: appNS(), send: ev(spec.SendMessage), join: ev(spec.JoinConversation)}
		stuckUser := w.User("agent")
		stuck, err := w.DialRaw(ctx, stuckUser, r.ns, 4096)
		ok(err, "raw connect")
		DeferCleanup(stuck.Close)
		ok(stuck.Emit(r.join.Name, Valid(r.join, Fill{Conversation: conv})), "raw join")
		_, err = stuck.WaitEvent(ctx, r.join.Reply.Name)
		ok(err, "the stuck member's join was not answered")
		// From here on nobody reads the stuck member's socket; its pongs keep it alive,
		// so only its full queue (D13) can get it dropped.
		stuck.KeepAlive()
		r.a = connect(ctx, w, w.User("agent"), r.ns)
		r.b = connect(ctx, w, w.User("agent"), r.ns)
		r.member(ctx, r.a)
		r.member(ctx, r.b)

		// The server's kernel may buffer a few MB for the stuck socket before a write
		// blocks and its queue (D13, outboundBufferPackets) starts to fill: each message
		// is at least one packet of some 2 KB to it.
		text := strings.Repeat("x", 2048)
		total := 2*contract.Limits.OutboundBufferPackets + 2500
		key := r.send.IdempotencyKey
		var replies, fanout []time.Duration
		dropped, flooded := false, 0
		sendEvery := total / (r.send.RateLimit.Limit / 2)
		for i := 0; i < total && !dropped; i += 50 {
			floodInbound(ctx, ctl, customer, business, 50, 4, text)
			flooded += 50
			if (i/50)%max(1, sendEvery/50) == 0 {
				p := w.Text(conv, fmt.Sprintf("probe %d", i))
				t0 := time.Now()
				a := accepted(ctx, r.a, r.send, p)
				replies = append(replies, a.At.Sub(t0))
				got := waitFor(ctx, r.b, spec.MessageNew, "the probe's message:new", field(key, w.MessageID(p)))
				fanout = append(fanout, got.At.Sub(t0))
			}
			dropped = r.b.Count(spec.UserDisconnected, field("userId", stuckUser.ID)) > 0
		}
		if !dropped {
			_, err := r.b.WaitFor(ctx, spec.UserDisconnected, field("userId", stuckUser.ID))
			Expect(err).NotTo(HaveOccurred(), "the member that stopped reading was never disconnected (outboundBufferPackets %d)", contract.Limits.OutboundBufferPackets)
		}
		frames, err := stuck.Drain(w.WaitTimeout())
		Expect(err).NotTo(HaveOccurred(), "the stuck member's connection is still open after %d frames", frames)
		rec.Note("stuck member dropped after %d inbound messages; %d frames were buffered for it; %d probes", flooded, frames, len(replies))
		Expect(replies).NotTo(BeEmpty())
		Expect(slices.Max(replies)).To(BeNumerically("<", stallBound), "a reply took %v while a member was stuck (replies %v)", slices.Max(replies), replies)
		Expect(slices.Max(fanout)).To(BeNumerically("<", stallBound), "a delivery took %v while a member was stuck (deliveries %v)", slices.Max(fanout), fanout)
		// Everything still reached the member that reads.
		r.barrier(ctx, r.a, r.b)
	})
})
