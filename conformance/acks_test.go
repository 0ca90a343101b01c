package conformance_test

import (
	"net/url"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/utalk/rtconform/conformance"
	"github.com/utalk/rtconform/spec"
)

var _ = Describe("acks", Label("acks"), func() {
	It("answers a retry after a lost reply with the original message", clause("acks.lost-reply"), func(ctx SpecContext) {
		w := NewWorld()
		r := newRoom(ctx, w)
		// The sender talks to the server through a fault proxy of the suite.
		base, err := url.Parse(w.T.URL(0))
		ok(err, "target URL")
		px, err := NewFaultProxy("127.0.0.1:0", base.Host)
		ok(err, "fault proxy")
		DeferCleanup(px.Close)
		s := connect(ctx, w, r.a.User, r.ns, Via(base.Scheme+"://"+px.Addr()), Reconnecting())
		accepted(ctx, s, r.join, Valid(r.join, Fill{Conversation: r.conv}))
		// From now on nothing the server sends reaches the sender.
		ok(px.Blackhole(Downstream), "blackhole the server's answers")
		p := w.Text(r.conv, "reply lost")
		id := w.MessageID(p)
		ack := s.EmitAck(r.send, p)
		first := waitFor(ctx, r.b, spec.MessageNew, "message:new of the message whose reply is lost", field(r.send.IdempotencyKey, id))
		// The connection dies with the reply in it; the client reconnects and retries.
		px.Stop()
		ok(px.Clear(), "clear the proxy")
		_, err = s.WaitDisconnect(ctx)
		ok(err, "the sender never noticed its connection was gone")
		ok(px.Start(), "restart the proxy")
		ok(s.WaitConnects(ctx, 2), "the sender did not reconnect")
		Expect(s.Answers(r.send, id)).To(BeEmpty(), "the first reply was not lost: the fault injection did not work")
		select {
		case res := <-ack:
			Expect(res.Err).To(HaveOccurred(), "the first acknowledgement arrived: the fault injection did not work")
		default:
		}
		a := accepted(ctx, s, r.send, p)
		Expect(a.Field("id")).To(Equal(first.Field("id")), "the retry got another message than the one delivered")
		Expect(seq(a.Event)).To(Equal(seq(first)), "the retry got another seq")
		Expect(a.Object()).To(HaveKeyWithValue("duplicate", true))
		r.barrier(ctx, r.a, r.b)
		Expect(r.news(r.b, id)).To(HaveLen(1), "the retry was delivered again")
	})
})
