package conformance_test

import (
	"context"
	"errors"
	"slices"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/utalk/rtconform/conformance"
	"github.com/utalk/rtconform/spec"
)

// Generated from the catalogue: for every client event, its correlated reply and
// acknowledgement (reply.<role>) and its answer to a payload missing a required field
// (errors.<role>).
var _ = Describe("contract: client events", Label("contract"), func() {
	for _, e := range contract.Events {
		if !e.IsClient() {
			continue
		}
		Describe(e.Name, func() {
			It("is answered by its reply, correlated, and through the ack callback", clause(spec.ReplyClause(e.Role), "acks.callback"), func(ctx SpecContext) {
				w := NewWorld()
				s := prepare(ctx, w, e)
				p := s.payload()
				a := request(ctx, s.c, e, p)
				Expect(a.IsError).To(BeFalse(), "%s was refused: %s", e.Name, a)
				Expect(a.Event.Event).To(BeIdenticalTo(e.Reply), "answered by %s, want %s", a.Name, e.Reply.Name)
				if e.Correlation != "" {
					Expect(a.Field(e.Correlation)).To(Equal(Correlation(e, p)), "reply not correlated by %s", e.Correlation)
				}
				p2 := s.payload()
				from := len(s.c.Events())
				var ack AckResult
				Eventually(s.c.EmitAck(e, p2)).WithTimeout(w.WaitTimeout()).Should(Receive(&ack))
				Expect(ack.Err).NotTo(HaveOccurred())
				body := ack.Body()
				Expect(body).To(HaveKeyWithValue("event", e.Reply.Name), "ack body %v, want {event: %s, data}", body, e.Reply.Name)
				if e.Correlation != "" {
					Expect(body["data"]).To(HaveKeyWithValue(e.Correlation, Correlation(e, p2)))
				}
				_, err := s.c.WaitAnswer(ctx, e, Correlation(e, p2), from)
				Expect(err).NotTo(HaveOccurred(), "with an ack callback the reply event must still be emitted (D2)")
			})

			It("answers a payload missing a required field with VALIDATION_ERROR naming it, and processes nothing", clause(spec.ErrorsClause(e.Role), "filter.validation"), func(ctx SpecContext) {
				w := NewWorld()
				s := prepare(ctx, w, e)
				p := s.payload()
				field := requiredField(e, p)
				if field == "" {
					Skip(MissingPrefix + e.Name + " has no required field to leave out")
				}
				bad := Without(p, field)
				corr := Correlation(e, bad)
				a := request(ctx, s.c, e, bad)
				Expect(a.IsError).To(BeTrue(), "a payload without %s was accepted: %s", field, a)
				Expect(a.Code()).To(Equal(spec.CodeValidationError), "answer %s", a)
				Expect(a.Details()).To(HaveKeyWithValue("field", "/"+field), "VALIDATION_ERROR must name the field as a JSON pointer")
				if corr == "" {
					Expect(a.Event.Event).To(BeElementOf(e.ErrorEvent, contract.ByRole(spec.GenericError)))
				} else {
					Expect(a.Event.Event).To(BeIdenticalTo(e.ErrorEvent))
				}
				// Barrier: a valid event after it is answered; the invalid one, handled
				// first, must have left no reply.
				good := s.payload()
				accepted(ctx, s.c, e, good)
				if corr != "" {
					want := 0
					if Correlation(e, good) == corr {
						want = 1 // correlated by the conversation: the barrier's own reply
					}
					var replies []Answer
					for _, x := range s.c.Answers(e, corr) {
						if !x.IsError {
							replies = append(replies, x)
						}
					}
					Expect(replies).To(HaveLen(want), "the invalid %s was processed", e.Name)
				}
			})
		})
	}
})

// setup is a connected client ready to send one client event.
type setup struct {
	w    *World
	c    *Client
	e    *spec.Event
	fill Fill
}

func (s *setup) payload() map[string]any {
	f := s.fill
	if _, ok := fieldOf(s.e, "token"); ok {
		tok, err := s.w.Token(context.Background(), s.c.User, contract.Handshake.TokenTTL())
		Expect(err).NotTo(HaveOccurred())
		f.Token = tok
	}
	return Valid(s.e, f)
}

func fieldOf(e *spec.Event, name string) (any, bool) {
	p := Valid(e, Fill{})
	v, ok := p[name]
	return v, ok
}

// prepare connects a user who may send e and makes the conversation it names exist,
// with the user a member and one message in it; an agent-return is preceded by a
// takeover.
func prepare(ctx context.Context, w *World, e *spec.Event) *setup {
	GinkgoHelper()
	role, ns := roleFor(e)
	if ns == "" {
		Skip(MissingPrefix + "no namespace admits a role allowed to send " + e.Name)
	}
	u := w.User(role)
	c := connect(ctx, w, u, ns)
	s := &setup{w: w, c: c, e: e}
	if e.Access == nil {
		return s
	}
	conv := ConversationID()
	s.fill.Conversation = conv
	join, send := contract.ByRole(spec.JoinConversation), contract.ByRole(spec.SendMessage)
	if join != nil && join != e {
		accepted(ctx, c, join, Valid(join, Fill{Conversation: conv}))
	}
	if send != nil && send != e && send.InNamespace(ns) {
		a := accepted(ctx, c, send, w.Text(conv, "setup"))
		s.fill.ServerMessageID = a.Field("id")
	}
	if e.Role == spec.AgentReturn {
		if t := contract.ByRole(spec.AgentTakeover); t != nil {
			accepted(ctx, c, t, Valid(t, Fill{Conversation: conv}))
		}
	}
	return s
}

// roleFor picks a user role allowed to send e (agent first) and a namespace of e that
// admits it.
func roleFor(e *spec.Event) (string, string) {
	roles := append([]string{"agent"}, e.AllowedRoles...)
	for _, r := range roles {
		if !e.Allows(r) {
			continue
		}
		for _, ns := range e.Namespaces {
			if n := contract.Namespace(ns); n != nil && n.Admits(r) {
				return r, ns
			}
		}
	}
	return "", ""
}

// requiredField returns a required field of the payload to leave out, preferring one
// that is not the correlation field (so the error can still be correlated). Required
// fields are found by asking the contract's schema.
func requiredField(e *spec.Event, p map[string]any) string {
	var req []string
	for f := range p {
		var ve *spec.ValidationError
		if err := e.Validate(Normalize(Without(p, f))); errors.As(err, &ve) {
			for _, fe := range ve.Fields {
				if fe.Rule == "required" && fe.Field == "/"+f {
					req = append(req, f)
				}
			}
		}
	}
	slices.Sort(req)
	for _, f := range req {
		if f != e.Correlation {
			return f
		}
	}
	if len(req) > 0 {
		return req[0]
	}
	return ""
}
