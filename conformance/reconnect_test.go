package conformance_test

import (
	"context"
	"fmt"
	"slices"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/utalk/rtconform/conformance"
	"github.com/utalk/rtconform/spec"
)

// syncResult is every page of a sync:state catch-up of one conversation.
type syncResult struct {
	pages    []Answer
	messages []map[string]any
	gaps     []map[string]any
	// conv is the conversation entry of the last page.
	conv map[string]any
}

// ids returns the idempotency keys of the messages, in order.
func (s syncResult) ids(key string) []string {
	var out []string
	for _, m := range s.messages {
		out = append(out, str(m, key))
	}
	return out
}

// catchUp asks sync:state for every message of conv after afterSeq, page by page
// (limit 0: the server's default), advancing the cursor while hasMore says so.
func catchUp(ctx context.Context, c *Client, conv string, afterSeq float64, limit int) syncResult {
	GinkgoHelper()
	e := ev(spec.SyncState)
	var out syncResult
	for page := 0; ; page++ {
		Expect(page).To(BeNumerically("<", 50), "sync:state kept saying hasMore")
		p := Valid(e, Fill{})
		delete(p, "lastSync")
		p["cursors"] = []any{map[string]any{"conversationId": conv, "afterSeq": afterSeq}}
		if limit > 0 {
			p["limit"] = limit
		}
		a := accepted(ctx, c, e, p)
		out.pages = append(out.pages, a)
		o := a.Object()
		msgs, _ := o["messages"].([]any)
		for _, m := range msgs {
			mm, _ := m.(map[string]any)
			Expect(str(mm, "conversationId")).To(Equal(conv), "sync:state returned a message of another conversation")
			out.messages = append(out.messages, mm)
		}
		gaps, _ := o["gaps"].([]any)
		for _, g := range gaps {
			if gm, _ := g.(map[string]any); str(gm, "conversationId") == conv {
				out.gaps = append(out.gaps, gm)
			}
		}
		convs, _ := o["conversations"].([]any)
		for _, cv := range convs {
			if cm, _ := cv.(map[string]any); str(cm, "id") == conv {
				out.conv = cm
			}
		}
		if more, _ := o["hasMore"].(bool); !more {
			return out
		}
		Expect(msgs).NotTo(BeEmpty(), "hasMore with an empty page")
		afterSeq = num(msgs[len(msgs)-1], "seq")
	}
}

func str(v any, name string) string {
	m, _ := v.(map[string]any)
	s, _ := m[name].(string)
	return s
}

func num(v any, name string) float64 {
	m, _ := v.(map[string]any)
	f, _ := m[name].(float64)
	return f
}

// expectRun checks that messages have consecutive seqs starting at first.
func expectRun(msgs []map[string]any, first float64) {
	GinkgoHelper()
	for i, m := range msgs {
		Expect(num(m, "seq")).To(Equal(first+float64(i)), "message %d of the catch-up: gap or disorder in seq", i)
	}
}

// lastSeq is the highest seq among c's message:new of conv (0 when none).
func lastSeq(c *Client, conv string) float64 {
	var max float64
	for _, e := range c.Events(spec.MessageNew) {
		if e.Field("conversationId") == conv && seq(e) > max {
			max = seq(e)
		}
	}
	return max
}

// sayN sends n texts from c and returns their idempotency keys.
func (r *room) sayN(ctx context.Context, c *Client, n int, label string) []string {
	GinkgoHelper()
	var ids []string
	for i := 0; i < n; i++ {
		p := r.w.Text(r.conv, fmt.Sprintf("%s %d", label, i))
		accepted(ctx, c, r.send, p)
		ids = append(ids, r.w.MessageID(p))
	}
	return ids
}

var _ = Describe("reconnect", Label("reconnect"), func() {
	It("recovers with sync:state every message missed during a client-side drop", clause("reconnect.client-drop"), func(ctx SpecContext) {
		w := NewWorld()
		r := newRoom(ctx, w)
		r.sayN(ctx, r.a, 2, "before")
		r.barrier(ctx, r.a, r.b)
		last := lastSeq(r.b, r.conv)
		r.b.Close()
		missed := r.sayN(ctx, r.a, 5, "missed")
		back := connect(ctx, w, r.b.User, r.ns)
		s := catchUp(ctx, back, r.conv, last, 0)
		Expect(s.ids(r.send.IdempotencyKey)).To(Equal(missed), "sync:state after seq %v", last)
		expectRun(s.messages, last+1)
		Expect(s.gaps).To(BeEmpty())
	})

	It("recovers with sync:state every message missed during a server-side drop", clause("reconnect.server-drop"), func(ctx SpecContext) {
		w := NewWorld()
		ctl := requireControl(w)
		r := newRoom(ctx, w, Reconnecting())
		r.sayN(ctx, r.a, 2, "before")
		r.barrier(ctx, r.a, r.b)
		last := lastSeq(r.b, r.conv)
		n, err := ctl.Drop(ctx, r.b.User)
		ok(err, "dropTransport")
		Expect(n).To(BeNumerically(">=", 1), "dropTransport closed no socket of %s", r.b.User.ID)
		during := r.sayN(ctx, r.a, 3, "during")
		reason, err := r.b.WaitDisconnect(ctx)
		ok(err, "the dropped socket saw no disconnect")
		Expect(reason).To(Equal("transport close"), "a transport drop is not a Socket.IO disconnect")
		ok(r.b.WaitConnects(ctx, 2), "the dropped client did not reconnect by itself")
		after := r.sayN(ctx, r.a, 2, "after")
		s := catchUp(ctx, r.b, r.conv, last, 0)
		Expect(s.ids(r.send.IdempotencyKey)).To(Equal(append(during, after...)), "sync:state after seq %v", last)
		expectRun(s.messages, last+1)
	})

	It("recovers everything for a client that had received nothing (afterSeq 0, or joined's lastSeq)", clause("reconnect.from-nothing"), func(ctx SpecContext) {
		w := NewWorld()
		r := newRoom(ctx, w)
		u := r.b.User
		r.b.Close()
		missed := r.sayN(ctx, r.a, 4, "missed")
		back := connect(ctx, w, u, r.ns)
		s := catchUp(ctx, back, r.conv, 0, 0)
		Expect(s.ids(r.send.IdempotencyKey)).To(Equal(missed))
		expectRun(s.messages, 1)
		Expect(s.conv).To(HaveKeyWithValue("lastSeq", BeNumerically("==", 4)))
		j := accepted(ctx, back, r.join, Valid(r.join, Fill{Conversation: r.conv}))
		if _, has := j.Object()["lastSeq"]; has {
			Expect(j.Object()).To(HaveKeyWithValue("lastSeq", BeNumerically("==", 4)), "joined:conversation lastSeq")
		}
	})

	It("recovers everything when the client comes back on the other instance", clause("reconnect.cross-instance"), func(ctx SpecContext) {
		w := NewWorld()
		require(spec.RequiresMultiInstance)
		r := newRoom(ctx, w)
		r.sayN(ctx, r.a, 1, "before")
		r.barrier(ctx, r.a, r.b)
		last := lastSeq(r.b, r.conv)
		r.b.Close()
		missed := r.sayN(ctx, r.a, 4, "missed")
		back := connect(ctx, w, r.b.User, r.ns, OnInstance(1))
		s := catchUp(ctx, back, r.conv, last, 0)
		Expect(s.ids(r.send.IdempotencyKey)).To(Equal(missed))
		expectRun(s.messages, last+1)
	})

	It("pages a catch-up with hasMore, each page whole and in order", clause("reconnect.paging"), func(ctx SpecContext) {
		w := NewWorld()
		r := newRoom(ctx, w)
		sent := r.sayN(ctx, r.a, 12, "paged")
		s := catchUp(ctx, r.b, r.conv, 0, 5)
		Expect(len(s.pages)).To(BeNumerically(">=", 3), "12 messages in pages of 5")
		for i, p := range s.pages[:len(s.pages)-1] {
			Expect(p.Object()).To(HaveKeyWithValue("hasMore", true), "page %d", i)
			msgs, _ := p.Object()["messages"].([]any)
			Expect(len(msgs)).To(BeNumerically("<=", 5), "page %d is over the limit asked for", i)
		}
		Expect(s.ids(r.send.IdempotencyKey)).To(Equal(sent))
		expectRun(s.messages, 1)
	})

	It("keeps every page under maxPayloadBytes however large the messages", clause("reconnect.paging"), func(ctx SpecContext) {
		w := NewWorld()
		limit := contract.Limits.MaxPayloadBytes
		text := make([]byte, contract.Limits.MaxTextLength)
		for i := range text {
			text[i] = 'a' + byte(i%26)
		}
		// More than one payload limit of text, written while no member is connected.
		n := limit/len(text) + 20
		u := w.User("agent")
		var conv string
		var ids []string
		if ctl, _ := w.Control(); ctl != nil {
			// Inbound webhooks: no rate limit, nobody to deliver to.
			business, customer := UniquePhone("415"), UniquePhone("555")
			ok(ctl.RegisterChannel(ctx, w, business), "registerChannel")
			conv = "conv_" + customer + "_" + business
			ok(joinOnce(ctx, w, u, appNS(), ev(spec.JoinConversation), conv), "join")
			ids = floodInbound(ctx, ctl, customer, business, n, 1, string(text))
		} else {
			// Sends from short-lived sockets, each under its rate limit.
			conv = ConversationID()
			send := ev(spec.SendMessage)
			perSocket := send.RateLimit.Limit - 5
			for len(ids) < n {
				c := connect(ctx, w, u, appNS())
				for i := 0; i < perSocket && len(ids) < n; i++ {
					p := w.Text(conv, string(text))
					accepted(ctx, c, send, p)
					ids = append(ids, w.MessageID(p))
				}
				c.Close()
			}
		}
		back := connect(ctx, w, u, appNS())
		s := catchUp(ctx, back, conv, 0, contract.Limits.SyncPageMax)
		Expect(len(s.pages)).To(BeNumerically(">=", 2), "%d messages of %d bytes came in one page", n, len(text))
		for i, p := range s.pages {
			b := len(mustJSON(p.Data))
			Expect(b).To(BeNumerically("<=", limit), "page %d of state:synced is %d bytes, over maxPayloadBytes %d", i, b, limit)
		}
		Expect(s.ids(ev(spec.SendMessage).IdempotencyKey)).To(Equal(ids))
		expectRun(s.messages, 1)
	})

	It("reports ranges beyond the retention as gaps, never as silence", clause("reconnect.paging"), func(ctx SpecContext) {
		w := NewWorld()
		ctl := requireControl(w)
		keep := contract.Limits.MaxMessagesPerRoom
		business, customer := UniquePhone("415"), UniquePhone("555")
		ok(ctl.RegisterChannel(ctx, w, business), "registerChannel")
		conv := "conv_" + customer + "_" + business
		u := w.User("agent")
		first := connect(ctx, w, u, appNS())
		join := ev(spec.JoinConversation)
		accepted(ctx, first, join, Valid(join, Fill{Conversation: conv}))
		first.Close()
		// Inbound customer messages are not rate limited: more than the retention.
		total := keep + 5
		floodInbound(ctx, ctl, customer, business, total, 4, "retention")
		back := connect(ctx, w, u, appNS())
		s := catchUp(ctx, back, conv, 0, contract.Limits.SyncPageMax)
		Expect(s.gaps).NotTo(BeEmpty(), "%d messages with a retention of %d, and no gap reported", total, keep)
		covered := map[int]bool{}
		for _, g := range s.gaps {
			for q := int(num(g, "fromSeq")); q <= int(num(g, "toSeq")); q++ {
				covered[q] = true
			}
		}
		var seqs []int
		for _, m := range s.messages {
			seqs = append(seqs, int(num(m, "seq")))
			covered[int(num(m, "seq"))] = true
		}
		Expect(slices.IsSorted(seqs)).To(BeTrue(), "messages out of seq order")
		for q := 1; q <= total; q++ {
			Expect(covered[q]).To(BeTrue(), "seq %d is neither returned nor reported as a gap", q)
		}
		Expect(len(s.messages)).To(BeNumerically("<=", keep), "more messages returned than retained")
	})
})
