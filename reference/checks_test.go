package reference

import (
	"strings"
	"testing"
	"time"

	"github.com/utalk/rtconform/spec"
)

func TestAllowList(t *testing.T) {
	h := start(t)
	a := h.connect(agent("ana"), "/app")
	takeover := h.name(spec.AgentTakeover) // an /agent event, not on /app
	for _, name := range []string{"no:such:event", takeover, h.name(spec.MessageNew)} {
		ev, d := a.call(name, map[string]any{"conversationId": "conv_x"})
		if ev != h.name(spec.GenericError) || d["code"] != string(spec.CodeInvalidEvent) {
			t.Fatalf("%s: answered %s %v", name, ev, d)
		}
	}
	a.wait(spec.GenericError, field("code", spec.CodeInvalidEvent)) // the event is emitted too
}

func TestValidationNamesTheField(t *testing.T) {
	h := start(t)
	a := h.connect(agent("ana"), "/app")
	tests := []struct {
		name    string
		role    spec.Role
		payload any
		event   spec.Role
		field   string
	}{
		{"missing conversationId", spec.SendMessage, map[string]any{"messageId": "m1", "text": "x"}, spec.MessageError, "/conversationId"},
		{"bad messageId", spec.SendMessage, map[string]any{"messageId": "no spaces", "conversationId": "conv_x", "text": "x"}, spec.GenericError, "/messageId"},
		{"text too long", spec.SendMessage, map[string]any{"messageId": "m2", "conversationId": "conv_x", "text": strings.Repeat("a", 5000)}, spec.MessageError, "/text"},
		{"string payload", spec.TypingStart, "conv_x", spec.GenericError, ""},
		{"null payload", spec.JoinConversation, nil, spec.GenericError, ""},
		{"extra property", spec.JoinConversation, map[string]any{"conversationId": "conv_x", "extra": 1}, spec.GenericError, "/extra"},
	}
	for _, tc := range tests { // not t.Run: the harness reports on the parent test
		ev, d := a.ack(tc.role, tc.payload)
		if ev != h.name(tc.event) {
			t.Errorf("%s: answered by %s %v, want %s", tc.name, ev, d, h.name(tc.event))
			continue
		}
		env := d
		if e, ok := d["error"].(map[string]any); ok {
			env = e
		}
		details, _ := env["details"].(map[string]any)
		if env["code"] != string(spec.CodeValidationError) || details["field"] != tc.field {
			t.Errorf("%s: answer %v, want VALIDATION_ERROR naming %q", tc.name, d, tc.field)
		}
	}
}

func TestRejectedEventIsNotProcessed(t *testing.T) {
	h := start(t)
	a, b := h.connect(agent("ana"), "/app"), h.connect(agent("beto"), "/app")
	b.ack(spec.JoinConversation, map[string]any{"conversationId": "conv_x"})
	// valid shape except an unknown property: rejected, so never stored nor broadcast
	a.ack(spec.SendMessage, map[string]any{"messageId": "r1", "conversationId": "conv_x", "text": "x", "bogus": true})
	settle(a, b)
	if n := b.count(spec.MessageNew, nil); n != 0 {
		t.Fatal("a rejected message:send was broadcast")
	}
	_, sent := a.ack(spec.SendMessage, sendPayload("r2", "conv_x", "ok"))
	if sent["seq"] != float64(1) {
		t.Fatalf("seq after a rejected send = %v, want 1", sent["seq"])
	}
}

func TestPayloadTooLargeKeepsTheSocket(t *testing.T) {
	h := start(t)
	a := h.connect(agent("ana"), "/app")
	big := strings.Repeat("x", h.c.Limits.MaxPayloadBytes)
	ev, d := a.ack(spec.SendMessage, sendPayload("big", "conv_x", big))
	if errCode(d) != string(spec.CodePayloadTooLarge) {
		t.Fatalf("answered %s %v", ev, d)
	}
	a.barrier()
}

func TestTransportLimitClosesOnlyThatSocket(t *testing.T) {
	h := start(t)
	a, b := h.connect(agent("ana"), "/app"), h.connect(agent("beto"), "/app")
	huge := strings.Repeat("x", int(h.c.Transport.MaxHTTPBufferSize)+1)
	_ = a.conn.Emit(h.name(spec.SendMessage), sendPayload("huge", "conv_x", huge))
	select {
	case <-a.conn.Done():
	case <-time.After(waitFor):
		t.Fatal("a frame over maxHttpBufferSize did not close the connection")
	}
	b.barrier()
}

func TestRateLimit(t *testing.T) {
	h := start(t, func(c *Config) { c.RateWindow = time.Second })
	a, b := h.connect(agent("ana"), "/app"), h.connect(agent("beto"), "/app")
	e := h.c.ByRole(spec.SyncState)
	for i := 0; i < e.RateLimit.Limit; i++ {
		if ev, _ := a.ack(spec.SyncState, map[string]any{"syncId": "s"}); ev != h.name(spec.StateSynced) {
			t.Fatalf("sync %d answered %s", i, ev)
		}
	}
	ev, d := a.ack(spec.SyncState, map[string]any{"syncId": "s"})
	details, _ := d["details"].(map[string]any)
	if ev != h.name(spec.GenericError) || d["code"] != string(spec.CodeRateLimitExceeded) ||
		details["limit"] != float64(e.RateLimit.Limit) || details["windowMs"] != float64(1000) || details["resetAt"] == nil {
		t.Fatalf("over the limit: %s %v", ev, d)
	}
	// other events and other sockets are not limited
	if ev, _ := a.ack(spec.JoinConversation, map[string]any{"conversationId": "conv_x"}); ev != h.name(spec.JoinedConversation) {
		t.Fatalf("another event answered %s", ev)
	}
	if ev, _ := b.ack(spec.SyncState, map[string]any{"syncId": "s"}); ev != h.name(spec.StateSynced) {
		t.Fatalf("another socket answered %s", ev)
	}
	reset, err := parseStamp(details["resetAt"].(string))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Until(reset) + 10*time.Millisecond) // the window has to pass
	if ev, _ := a.ack(spec.SyncState, map[string]any{"syncId": "s"}); ev != h.name(spec.StateSynced) {
		t.Fatalf("after the window: %s", ev)
	}
}

func TestNoRateLimits(t *testing.T) {
	h := start(t, func(c *Config) { c.NoRateLimits = true })
	a := h.connect(agent("ana"), "/app")
	for i := 0; i < 3*h.c.ByRole(spec.SyncState).RateLimit.Limit; i++ {
		if ev, _ := a.ack(spec.SyncState, map[string]any{"syncId": "s"}); ev != h.name(spec.StateSynced) {
			t.Fatalf("sync %d answered %s with rate limits off", i, ev)
		}
	}
}
