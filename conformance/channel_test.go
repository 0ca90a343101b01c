package conformance_test

import (
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/utalk/rtconform/conformance"
	"github.com/utalk/rtconform/spec"
)

// twilioSid is the shape of a Twilio-style message sid (TwilioSid in the contract).
var twilioSid = regexp.MustCompile(`^SM[0-9a-f]{32}$`)

// notE164 returns a unique number the contract's PhoneNumber accepts but E.164 does
// not: a zero after the plus, as the document's own +0987654321.
func notE164() string { return "+0" + strings.TrimPrefix(UniquePhone("415"), "+1") }

var _ = Describe("channel", Label("contract"), func() {
	It("gives an outbound WhatsApp message a Twilio sid, then message:delivered and message:read", clause("channel.outbound"), func(ctx SpecContext) {
		w := NewWorld()
		r := newRoom(ctx, w)
		a := r.say(ctx, r.a, "outbound")
		id := a.Field(r.send.Correlation)
		Expect(a.Field("twilioSid")).To(MatchRegexp(twilioSid.String()), "message:sent of a WhatsApp conversation: %v", a.Data)
		delivered := waitFor(ctx, r.b, spec.MessageDelivered, "message:delivered", field(r.send.Correlation, id))
		read := waitFor(ctx, r.b, spec.MessageRead, "message:read", field(r.send.Correlation, id))
		Expect(delivered.Field("id")).To(Equal(a.Field("id")))
		Expect(read.Field("id")).To(Equal(a.Field("id")))
		Expect(read.At).NotTo(BeTemporally("<", delivered.At), "message:read arrived before message:delivered")
	})

	It("answers a customer number that is not E.164 with message:error DELIVERY_FAILED invalid_phone_number, after message:sent", clause("channel.invalid-phone"), func(ctx SpecContext) {
		w := NewWorld()
		c := connect(ctx, w, w.User("agent"), appNS())
		conv := "conv_" + notE164() + "_" + UniquePhone("415")
		send := ev(spec.SendMessage)
		p := w.Text(conv, "to nowhere")
		accepted(ctx, c, send, p)
		id := w.MessageID(p)
		e := waitFor(ctx, c, spec.MessageError, "message:error for the undeliverable message", field(send.Correlation, id))
		env, _ := e.Object()["error"].(map[string]any)
		Expect(env).To(HaveKeyWithValue("code", string(spec.CodeDeliveryFailed)))
		Expect(env["details"]).To(HaveKeyWithValue("reason", "invalid_phone_number"))
	})

	It("turns an inbound customer message (webhook) into conversation:new and message:new, once per MessageSid", clause("channel.inbound"), func(ctx SpecContext) {
		w := NewWorld()
		ctl := requireControl(w)
		business, customer := UniquePhone("415"), UniquePhone("555")
		ok(ctl.RegisterChannel(ctx, w, business), "registerChannel")
		o := connect(ctx, w, w.User("agent"), appNS())
		conv := "conv_" + customer + "_" + business
		ok(ctl.Inbound(ctx, customer, business, "hola", TwilioSid()), "inbound message")
		waitFor(ctx, o, spec.ConversationNew, "conversation:new of the inbound conversation", field("id", conv))
		join := ev(spec.JoinConversation)
		accepted(ctx, o, join, Valid(join, Fill{Conversation: conv}))
		sid := TwilioSid()
		ok(ctl.Inbound(ctx, customer, business, "¿hay alguien?", sid), "inbound message")
		key := ev(spec.SendMessage).IdempotencyKey
		m := waitFor(ctx, o, spec.MessageNew, "message:new of the inbound message", field(key, sid))
		Expect(m.Object()).To(And(HaveKeyWithValue("conversationId", conv), HaveKeyWithValue("direction", "inbound"),
			HaveKeyWithValue("sender", customer)))
		// Twilio retries webhooks: the same MessageSid again is accepted and emits nothing.
		ok(ctl.Inbound(ctx, customer, business, "¿hay alguien?", sid), "inbound retry")
		last := TwilioSid()
		ok(ctl.Inbound(ctx, customer, business, "gracias", last), "inbound message")
		waitFor(ctx, o, spec.MessageNew, "message:new after the retry", field(key, last))
		Expect(o.Count(spec.MessageNew, field(key, sid))).To(Equal(1), "a webhook retry was delivered again")
	})
})
