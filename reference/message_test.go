package reference

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/utalk/rtconform/spec"
)

func sendPayload(msgID, convID, text string) map[string]any {
	return map[string]any{"messageId": msgID, "conversationId": convID, "type": "text", "text": text}
}

func TestSendReplyBroadcastAndUnread(t *testing.T) {
	h := start(t)
	a, b := h.connect(agent("ana"), "/app"), h.connect(agent("beto"), "/app")
	id := conv("+15551234567")
	if ev, _ := b.ack(spec.JoinConversation, map[string]any{"conversationId": id}); ev != h.name(spec.JoinedConversation) {
		t.Fatalf("join answered by %s", ev)
	}
	ev, sent := a.ack(spec.SendMessage, sendPayload("m-1", id, "hola"))
	if ev != h.name(spec.MessageSent) {
		t.Fatalf("send answered by %s %v", ev, sent)
	}
	if sent["messageId"] != "m-1" || sent["seq"] != float64(1) || sent["status"] != "sent" {
		t.Fatalf("message:sent = %v", sent)
	}
	a.wait(spec.MessageSent, field("messageId", "m-1")) // the event too, not only the ack
	got := b.wait(spec.MessageNew, field("messageId", "m-1"))
	if got["id"] != sent["id"] || got["seq"] != float64(1) || got["sender"] != "ana" {
		t.Fatalf("message:new = %v, message:sent = %v", got, sent)
	}
	upd := b.wait(spec.ConversationUpdated, field("id", id))
	if upd["unreadCount"] != float64(1) {
		t.Fatalf("beto's unreadCount = %v, want 1", upd["unreadCount"])
	}
	mine := a.wait(spec.ConversationUpdated, field("id", id))
	if mine["unreadCount"] != float64(0) {
		t.Fatalf("ana's own unreadCount = %v, want 0 (sending marks read)", mine["unreadCount"])
	}
	ev, rd := b.ack(spec.ReadConversation, map[string]any{"conversationId": id, "messageId": sent["id"]})
	if ev != h.name(spec.ReadAcknowledged) || rd["unreadCount"] != float64(0) {
		t.Fatalf("read answered %s %v", ev, rd)
	}
	settle(a, b)
	if n := a.count(spec.MessageNew, nil); n != 0 {
		t.Fatalf("the sending socket got %d message:new, want 0", n)
	}
}

func TestDedupSameReplySingleDelivery(t *testing.T) {
	h := start(t)
	a, b := h.connect(agent("ana"), "/app"), h.connect(agent("beto"), "/app")
	id := conv("+15551234567")
	b.ack(spec.JoinConversation, map[string]any{"conversationId": id})
	_, first := a.ack(spec.SendMessage, sendPayload("dup-1", id, "hola"))
	for i := 0; i < 3; i++ {
		_, again := a.ack(spec.SendMessage, sendPayload("dup-1", id, "hola"))
		if again["id"] != first["id"] || again["seq"] != first["seq"] || again["duplicate"] != true {
			t.Fatalf("retry %d = %v, first = %v", i, again, first)
		}
	}
	// after a reconnect too
	a2 := h.connect(agent("ana"), "/app")
	if _, again := a2.ack(spec.SendMessage, sendPayload("dup-1", id, "hola")); again["id"] != first["id"] {
		t.Fatalf("retry after reconnect = %v", again)
	}
	ev, conflict := a.ack(spec.SendMessage, sendPayload("dup-1", id, "otro texto"))
	if ev != h.name(spec.MessageError) || errCode(conflict) != string(spec.CodeIdempotencyConflict) {
		t.Fatalf("reused key with another body: %s %v", ev, conflict)
	}
	if id := conflict["error"].(map[string]any)["details"].(map[string]any)["id"]; id != first["id"] {
		t.Fatalf("IDEMPOTENCY_CONFLICT details.id = %v, want %v", id, first["id"])
	}
	settle(a, a2, b)
	if n := b.count(spec.MessageNew, field("messageId", "dup-1")); n != 1 {
		t.Fatalf("beto got %d message:new, want exactly 1", n)
	}
}

func TestDedupIsPerTenant(t *testing.T) {
	h := start(t)
	a := h.connect(agent("ana"), "/app")
	other := user{id: "ana", role: "agent", tenant: "ten_b", ws: "ws_1"}
	b := h.connect(other, "/app")
	id := conv("+15551234567")
	_, x := a.ack(spec.SendMessage, sendPayload("same", id, "hola"))
	_, y := b.ack(spec.SendMessage, sendPayload("same", id, "hola"))
	if x["id"] == y["id"] || y["duplicate"] == true {
		t.Fatalf("two tenants share a message: %v and %v", x, y)
	}
}

func TestOrderBurst(t *testing.T) {
	h := start(t)
	a, b := h.connect(agent("ana"), "/app"), h.connect(agent("beto"), "/app")
	id := "conv_burst"
	b.ack(spec.JoinConversation, map[string]any{"conversationId": id})
	for i := 0; i < 50; i++ {
		a.emit(spec.SendMessage, sendPayload(fmt.Sprintf("b-%d", i), id, "x"))
	}
	for i := 0; i < 50; i++ {
		m := b.wait(spec.MessageNew, nil)
		if m["seq"] != float64(i+1) || m["messageId"] != fmt.Sprintf("b-%d", i) {
			t.Fatalf("message %d: got seq %v id %v", i, m["seq"], m["messageId"])
		}
	}
}

func TestWhatsAppChannel(t *testing.T) {
	h := start(t)
	a := h.connect(agent("ana"), "/app")
	_, sent := a.ack(spec.SendMessage, sendPayload("wa-1", conv("+15551234567"), "hola"))
	sid, _ := sent["twilioSid"].(string)
	if len(sid) != 34 {
		t.Fatalf("twilioSid = %v", sent["twilioSid"])
	}
	a.wait(spec.MessageDelivered, field("messageId", "wa-1"))
	a.wait(spec.MessageRead, field("messageId", "wa-1"))
	// a retry now reports the current status
	if _, again := a.ack(spec.SendMessage, sendPayload("wa-1", conv("+15551234567"), "hola")); again["status"] != "read" {
		t.Fatalf("retry after read: status %v", again["status"])
	}
	// the document's own +0987654321 is not E.164
	_, sent = a.ack(spec.SendMessage, sendPayload("wa-2", "conv_+0987654321_+14155550100", "hola"))
	if sent["seq"] != float64(1) {
		t.Fatalf("invalid phone: message:sent %v", sent)
	}
	e := a.wait(spec.MessageError, field("messageId", "wa-2"))
	if errCode(e) != string(spec.CodeDeliveryFailed) {
		t.Fatalf("message:error %v", e)
	}
	if reason := e["error"].(map[string]any)["details"].(map[string]any)["reason"]; reason != "invalid_phone_number" {
		t.Fatalf("reason %v", reason)
	}
}

// TestUpdatedPerMemberCount: conversation:updated reaches every socket of every
// member exactly once, with that member's own unread count, also when members
// share a count (one broadcast per distinct count).
func TestUpdatedPerMemberCount(t *testing.T) {
	h := start(t)
	ana := h.connect(agent("ana"), "/app")
	beto, carla, dani := h.connect(agent("beto"), "/app"), h.connect(agent("carla"), "/app"), h.connect(agent("dani"), "/app")
	carla2 := h.connect(agent("carla"), "/app") // a second tab
	id := "conv_counts"
	for _, c := range []*client{beto, carla, dani} {
		c.ack(spec.JoinConversation, map[string]any{"conversationId": id})
	}
	_, first := ana.ack(spec.SendMessage, sendPayload("c-1", id, "uno"))
	dani.ack(spec.ReadConversation, map[string]any{"conversationId": id, "messageId": first["id"]})
	ana.ack(spec.SendMessage, sendPayload("c-2", id, "dos"))
	settle(ana, beto, carla, dani, carla2)
	last := func(u string, c *client) map[string]any {
		t.Helper()
		if n := c.count(spec.ConversationUpdated, field("id", id)); n != 2 {
			t.Fatalf("%s got %d conversation:updated, want 2 (one per message)", u, n)
		}
		var got map[string]any
		for {
			d, ok := c.take(h.name(spec.ConversationUpdated), field("id", id))
			if !ok {
				return got
			}
			got = d
		}
	}
	for _, tc := range []struct {
		user string
		c    *client
		want float64
	}{{"ana", ana, 0}, {"beto", beto, 2}, {"carla", carla, 2}, {"carla (2nd tab)", carla2, 2}, {"dani", dani, 1}} {
		if got := last(tc.user, tc.c)["unreadCount"]; got != tc.want {
			t.Errorf("%s's unreadCount after two messages = %v, want %v", tc.user, got, tc.want)
		}
	}
}

// FuzzFingerprint: the hand-built fingerprint is the one json.Marshal gives, so
// stored fingerprints keep their value.
func FuzzFingerprint(f *testing.F) {
	f.Add("conv_+15551234567_+14155550100", "text", "Hola, ¿cómo estás? 👋", "", false, true)
	f.Add("conv_x", "image", "<b>&amp;</b>", "med_1", true, true)
	f.Add("conv_x", "text", "a\u2028b\"\\\n\x01\xff", "", false, false)
	f.Fuzz(func(t *testing.T, conv, typ, text, media string, textNil, mediaNil bool) {
		var tp, mp *string
		if !textNil {
			tp = &text
		}
		if !mediaNil {
			mp = &media
		}
		b, _ := json.Marshal([]any{conv, typ, tp, mp, map[string]any(nil)})
		sum := sha256.Sum256(b)
		if got, want := fingerprint(conv, typ, tp, mp, nil), hex.EncodeToString(sum[:16]); got != want {
			t.Fatalf("fingerprint(%q, %q, %v, %v) = %s, json.Marshal gives %s (%s)", conv, typ, tp, mp, got, want, b)
		}
	})
}
