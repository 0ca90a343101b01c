package reference

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/utalk/rtconform/spec"
)

// post calls the control surface and decodes the JSON answer.
func (h *harness) post(path string, body any) (int, map[string]any) {
	h.t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(h.url+path, "application/json", bytes.NewReader(b))
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestTakeoverReturnEscalation(t *testing.T) {
	h := start(t)
	ag := h.connect(agent("ag1"), "/agent")
	other := h.connect(agent("ag2"), "/agent")
	admin := h.connect(user{id: "boss", role: "admin", tenant: "ten_a", ws: "ws_1"}, "/admin")
	app := h.connect(agent("ana"), "/app")
	id := conv("+15551234567")
	app.ack(spec.JoinConversation, map[string]any{"conversationId": id})

	status, esc := h.post("/control/escalations", map[string]any{"tenantId": "ten_a", "conversationId": id,
		"reason": "keyword", "toAgent": "ag1"})
	if status != http.StatusCreated || esc["id"] == nil {
		t.Fatalf("POST /control/escalations: %d %v", status, esc)
	}
	started := ag.wait(spec.EscalationStarted, field("id", esc["id"]))
	if started["status"] != "pending" {
		t.Fatalf("escalation:started %v", started)
	}
	admin.wait(spec.EscalationStarted, field("id", esc["id"]))
	settle(ag)
	if n := ag.count(spec.EscalationStarted, nil); n != 1 {
		t.Fatalf("the target agent got escalation:started %d times, want once", n)
	}

	ev, d := ag.ack(spec.AgentTakeover, map[string]any{"conversationId": id, "reason": "manual_assignment"})
	if ev != h.name(spec.TakeoverAcknowledged) || d["agentId"] != "ag1" {
		t.Fatalf("takeover: %s %v", ev, d)
	}
	other.wait(spec.ConversationAssigned, field("agentId", "ag1"))
	admin.wait(spec.EscalationAccepted, field("id", esc["id"]))
	upd := app.wait(spec.ConversationUpdated, field("botEnabled", false))
	if upd["assignedAgent"] != "ag1" {
		t.Fatalf("conversation:updated %v", upd)
	}
	if _, d := other.ack(spec.AgentTakeover, map[string]any{"conversationId": id}); d["code"] != string(spec.CodeAlreadyAssigned) {
		t.Fatalf("second takeover: %v", d)
	}
	if _, d := other.ack(spec.AgentReturn, map[string]any{"conversationId": id, "reason": "resolved"}); d["code"] != string(spec.CodeAccessDenied) {
		t.Fatalf("return by another agent: %v", d)
	}
	ev, d = ag.ack(spec.AgentReturn, map[string]any{"conversationId": id, "reason": "resolved"})
	if ev != h.name(spec.ReturnAcknowledged) || d["reason"] != "resolved" {
		t.Fatalf("return: %s %v", ev, d)
	}
	if r := app.wait(spec.BotResumed, nil); r["reason"] != "agent_returned" {
		t.Fatalf("bot:resumed %v", r)
	}
	app.wait(spec.ConversationUpdated, field("botEnabled", true))
}

func TestAssignmentControl(t *testing.T) {
	h := start(t)
	ag := h.connect(agent("ag1"), "/agent")
	id := "conv_assign"
	ag.ack(spec.JoinConversation, map[string]any{"conversationId": id})
	status, _ := h.post("/control/assignments", map[string]any{"tenantId": "ten_a", "conversationId": id,
		"agentId": "ag1", "agentName": "Ana Gómez"})
	if status != http.StatusOK {
		t.Fatalf("assignment: %d", status)
	}
	ag.wait(spec.ConversationAssigned, field("agentName", "Ana Gómez"))
	if status, d := h.post("/control/assignments", map[string]any{"tenantId": "ten_a", "conversationId": "conv_none",
		"agentId": "ag1", "agentName": "x"}); status != http.StatusNotFound || d["code"] != "NOT_FOUND" {
		t.Fatalf("unknown conversation: %d %v", status, d)
	}
}
