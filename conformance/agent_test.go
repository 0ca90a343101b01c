package conformance_test

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/utalk/rtconform/conformance"
	"github.com/utalk/rtconform/spec"
)

// desk is a conversation on the agents' namespace with two agents as members.
type desk struct {
	w                *World
	ns, conv         string
	takeover, giveUp *spec.Event
	a, b             *Client
}

func newDesk(ctx context.Context, w *World) *desk {
	GinkgoHelper()
	d := &desk{w: w, ns: nsOf(spec.AgentTakeover, "agent"), conv: ConversationID(),
		takeover: ev(spec.AgentTakeover), giveUp: ev(spec.AgentReturn)}
	join := ev(spec.JoinConversation)
	if !join.InNamespace(d.ns) {
		Skip(MissingPrefix + join.Name + " is not carried by " + d.ns)
	}
	d.a = connect(ctx, w, w.User("agent"), d.ns)
	d.b = connect(ctx, w, w.User("agent"), d.ns)
	accepted(ctx, d.a, join, Valid(join, Fill{Conversation: d.conv}))
	accepted(ctx, d.b, join, Valid(join, Fill{Conversation: d.conv}))
	return d
}

// updated waits until c has a conversation:updated of the desk's conversation that
// satisfies match.
func (d *desk) updated(ctx context.Context, c *Client, what string, match func(map[string]any) bool) {
	GinkgoHelper()
	waitFor(ctx, c, spec.ConversationUpdated, what, func(e Event) bool {
		return e.Field("id") == d.conv && match(e.Object())
	})
}

var _ = Describe("agent", Label("agent"), func() {
	It("takes a conversation over: acknowledged, assigned, bot disabled; another agent gets ALREADY_ASSIGNED, an admin may take it", clause("agent.takeover"), func(ctx SpecContext) {
		w := NewWorld()
		d := newDesk(ctx, w)
		a := accepted(ctx, d.a, d.takeover, Valid(d.takeover, Fill{Conversation: d.conv}))
		Expect(a.Event.Event).To(BeIdenticalTo(d.takeover.Reply))
		Expect(a.Object()).To(HaveKeyWithValue("agentId", d.a.User.ID))
		waitFor(ctx, d.b, spec.ConversationAssigned, "conversation:assigned to the workspace", fields("conversationId", d.conv, "agentId", d.a.User.ID))
		d.updated(ctx, d.b, "conversation:updated with the agent and the bot off", func(o map[string]any) bool {
			return o["assignedAgent"] == d.a.User.ID && o["botEnabled"] == false
		})
		x := request(ctx, d.b, d.takeover, Valid(d.takeover, Fill{Conversation: d.conv}))
		Expect(x.IsError).To(BeTrue(), "a second agent took an assigned conversation over: %s", x)
		Expect(x.Code()).To(Equal(spec.CodeAlreadyAssigned))
		admin := connect(ctx, w, w.User("admin"), d.ns)
		join := ev(spec.JoinConversation)
		accepted(ctx, admin, join, Valid(join, Fill{Conversation: d.conv}))
		y := accepted(ctx, admin, d.takeover, Valid(d.takeover, Fill{Conversation: d.conv}))
		Expect(y.Object()).To(HaveKeyWithValue("agentId", admin.User.ID))
	})

	It("returns a conversation to the bot: acknowledged, bot:resumed, bot enabled and no agent", clause("agent.return"), func(ctx SpecContext) {
		w := NewWorld()
		d := newDesk(ctx, w)
		accepted(ctx, d.a, d.takeover, Valid(d.takeover, Fill{Conversation: d.conv}))
		a := accepted(ctx, d.a, d.giveUp, Valid(d.giveUp, Fill{Conversation: d.conv}))
		Expect(a.Event.Event).To(BeIdenticalTo(d.giveUp.Reply))
		waitFor(ctx, d.b, spec.BotResumed, "bot:resumed", fields("conversationId", d.conv, "reason", "agent_returned"))
		d.updated(ctx, d.b, "conversation:updated with the bot on and no agent", func(o map[string]any) bool {
			return o["assignedAgent"] == nil && o["botEnabled"] == true
		})
	})

	It("starts an escalation through the control surface and accepts it by takeover", clause("agent.escalation"), func(ctx SpecContext) {
		w := NewWorld()
		ctl := requireControl(w)
		d := newDesk(ctx, w)
		out, err := ctl.JSON(ctx, spec.OpStartEscalation, map[string]any{
			"tenantId": w.Tenant, "conversationId": d.conv, "reason": "keyword", "toAgent": d.a.User.ID})
		ok(err, "startEscalation")
		id, _ := out["id"].(string)
		Expect(id).NotTo(BeEmpty(), "startEscalation answered no id: %v", out)
		for _, c := range []*Client{d.a, d.b} {
			waitFor(ctx, c, spec.EscalationStarted, "escalation:started", fields("id", id, "conversationId", d.conv, "status", "pending"))
		}
		accepted(ctx, d.a, d.takeover, Valid(d.takeover, Fill{Conversation: d.conv}))
		for _, c := range []*Client{d.a, d.b} {
			waitFor(ctx, c, spec.EscalationAccepted, "escalation:accepted", fields("id", id, "status", "accepted", "agentId", d.a.User.ID))
		}
	})
})
