package reference

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/utalk/rtconform/loadgen/sioconn"
	"github.com/utalk/rtconform/spec"
)

func TestExpel(t *testing.T) {
	h := start(t)
	u := agent("ana")
	tok := h.token(u, time.Hour)
	app, err := h.dial(map[string]any{"token": tok}, "/app")
	if err != nil {
		t.Fatal(err)
	}
	ag := h.connect(u, "/agent")
	bystander := h.connect(agent("beto"), "/app")
	time.Sleep(1100 * time.Millisecond) // iat has second precision: the next token must be issued after
	fresh := h.token(u, time.Hour)
	status, d := h.post("/control/expel", map[string]any{"tenantId": "ten_a", "userId": "ana",
		"reason": "account_suspended", "message": "Tu cuenta ha sido suspendida"})
	if status != http.StatusOK || d["sockets"] != float64(2) {
		t.Fatalf("expel: %d %v", status, d)
	}
	for _, c := range []*client{app, ag} {
		c.wait(spec.UserExpelled, field("reason", "account_suspended"))
		<-c.conn.Done()
		if r := c.conn.CloseReason(); r != sioconn.ReasonServerDisconnect {
			t.Fatalf("close reason %q", r)
		}
	}
	if got := h.refused(map[string]any{"token": tok}, "/app"); got != string(spec.CodeUserExpelled) {
		t.Fatalf("reconnect with the old token: %q", got)
	}
	_ = fresh // issued before the expulsion too (same second or earlier): refused as well
	if got := h.refused(map[string]any{"token": fresh}, "/app"); got != string(spec.CodeUserExpelled) {
		t.Fatalf("a token issued before the expulsion: %q", got)
	}
	time.Sleep(1100 * time.Millisecond)
	h.connect(u, "/app") // logging in again works
	bystander.barrier()
}

func TestControlTokenAndErrors(t *testing.T) {
	h := start(t, func(c *Config) { c.ControlToken = "ctl" })
	if status, d := h.post("/control/drop", map[string]any{}); status != http.StatusUnauthorized || d["code"] != string(spec.CodeAuthenticationFailed) {
		t.Fatalf("no token: %d %v", status, d)
	}
	req, _ := http.NewRequest(http.MethodPost, h.url+"/control/notifications", strings.NewReader(`{"tenantId":"t","bogus":1}`))
	req.Header.Set("Authorization", "Bearer ctl")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !bytes.Contains(body, []byte(`"field":"/bogus"`)) {
		t.Fatalf("unknown field: %d %s", resp.StatusCode, body)
	}
}

func TestNotifications(t *testing.T) {
	h := start(t)
	ana := h.connect(agent("ana"), "/app")
	beto := h.connect(agent("beto"), "/app")
	admin := h.connect(user{id: "boss", role: "admin", tenant: "ten_a", ws: "ws_1"}, "/admin")
	stranger := h.connect(user{id: "ana", role: "agent", tenant: "ten_b", ws: "ws_1"}, "/app")
	status, d := h.post("/control/notifications", map[string]any{"tenantId": "ten_a", "type": "info",
		"title": "Nuevo mensaje", "message": "Hola", "userId": "ana"})
	if status != http.StatusAccepted || d["id"] == nil {
		t.Fatalf("notify: %d %v", status, d)
	}
	ana.wait(spec.Notification, field("id", d["id"]))
	h.post("/control/notifications", map[string]any{"tenantId": "ten_a", "type": "warning", "title": "t",
		"message": "m", "role": "admin"})
	admin.wait(spec.Notification, field("type", "warning"))
	if status, _ := h.post("/control/notifications", map[string]any{"tenantId": "ten_a", "type": "nope", "title": "t",
		"message": "m", "userId": "ana"}); status != http.StatusBadRequest {
		t.Fatalf("bad type: %d", status)
	}
	if status, _ := h.post("/control/system-notifications", map[string]any{"tenantId": "ten_a", "type": "maintenance",
		"message": "mantenimiento"}); status != http.StatusAccepted {
		t.Fatalf("system notification: %d", status)
	}
	for _, c := range []*client{ana, beto, admin} {
		c.wait(spec.SystemNotification, nil)
	}
	settle(beto, stranger)
	if beto.count(spec.Notification, nil) != 0 || stranger.count(spec.Notification, nil) != 0 || stranger.count(spec.SystemNotification, nil) != 0 {
		t.Fatal("a notification reached a socket it does not target")
	}
}

func form(h *harness, path string, v url.Values, sign string) int {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.url+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if sign != "" {
		req.Header.Set("X-Twilio-Signature", TwilioSignature(sign, h.url+path, v))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestTwilioWebhooks(t *testing.T) {
	h := start(t, func(c *Config) {
		c.TwilioAuthToken = "tw"
		c.Channels = []ChannelNumber{{Number: "+14155550100", TenantID: "ten_a", WorkspaceID: "ws_1"}}
		c.DeliveredDelay, c.ReadDelay = time.Hour, time.Hour // the status callback drives the status
	})
	a := h.connect(agent("ana"), "/app")
	in := url.Values{"From": {"whatsapp:+15551234567"}, "To": {"whatsapp:+14155550100"}, "Body": {"Hola"},
		"MessageSid": {"SM0123456789abcdef0123456789abcdef"}, "ProfileName": {"Cliente"}}
	if code := form(h, "/webhooks/twilio/whatsapp", in, ""); code != http.StatusForbidden {
		t.Fatalf("unsigned webhook: %d", code)
	}
	if code := form(h, "/webhooks/twilio/whatsapp", in, "tw"); code != http.StatusOK {
		t.Fatalf("webhook: %d", code)
	}
	id := "conv_+15551234567_+14155550100"
	a.wait(spec.ConversationNew, field("id", id))
	if code := form(h, "/webhooks/twilio/whatsapp", in, "tw"); code != http.StatusOK { // Twilio retries
		t.Fatalf("retried webhook: %d", code)
	}
	_, joined := a.ack(spec.JoinConversation, map[string]any{"conversationId": id})
	if joined["lastSeq"] != float64(1) {
		t.Fatalf("the retry was stored twice: %v", joined)
	}
	in.Set("MessageSid", "SMffffffffffffffffffffffffffffffff")
	in.Set("Body", "¿Sigue ahí?")
	form(h, "/webhooks/twilio/whatsapp", in, "tw")
	if m := a.wait(spec.MessageNew, field("messageId", "SMffffffffffffffffffffffffffffffff")); m["direction"] != "inbound" || m["sender"] != "+15551234567" {
		t.Fatalf("inbound message:new %v", m)
	}
	unknown := url.Values{"From": {"whatsapp:+15551234567"}, "To": {"whatsapp:+19999999999"}, "Body": {"x"},
		"MessageSid": {"SM0123456789abcdef0123456789abcdee"}}
	if code := form(h, "/webhooks/twilio/whatsapp", unknown, "tw"); code != http.StatusNotFound {
		t.Fatalf("unknown number: %d", code)
	}

	_, sent := a.ack(spec.SendMessage, sendPayload("out-1", id, "respuesta"))
	sid := sent["twilioSid"].(string)
	st := url.Values{"MessageSid": {sid}, "MessageStatus": {"delivered"}}
	if code := form(h, "/webhooks/twilio/status", st, "tw"); code != http.StatusNoContent {
		t.Fatalf("status callback: %d", code)
	}
	a.wait(spec.MessageDelivered, field("messageId", "out-1"))
	st.Set("MessageStatus", "undelivered")
	form(h, "/webhooks/twilio/status", st, "tw")
	if e := a.wait(spec.MessageError, field("messageId", "out-1")); errCode(e) != string(spec.CodeDeliveryFailed) {
		t.Fatalf("undelivered: %v", e)
	}
	st.Set("MessageSid", "SM00000000000000000000000000000000")
	if code := form(h, "/webhooks/twilio/status", st, "tw"); code != http.StatusNotFound {
		t.Fatalf("unknown sid: %d", code)
	}
}

func TestMediaUpload(t *testing.T) {
	h := start(t)
	u := agent("ana")
	a := h.connect(u, "/app")
	b := h.connect(agent("beto"), "/app")
	id := "conv_media"
	b.ack(spec.JoinConversation, map[string]any{"conversationId": id})
	data := bytes.Repeat([]byte{0xff}, 200_000)
	req, _ := http.NewRequest(http.MethodPost, h.url+"/media?conversationId="+id+"&messageId=m-1&fileName=photo.jpg", bytes.NewReader(data))
	req.Header.Set("Content-Type", "image/jpeg")
	req.Header.Set("Authorization", "Bearer "+h.token(u, time.Hour))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d", resp.StatusCode)
	}
	mid := a.wait(spec.MediaUploadProgress, func(m map[string]any) bool { return m["progress"].(float64) > 0 && m["progress"].(float64) < 100 })
	if mid["totalBytes"] != float64(len(data)) {
		t.Fatalf("progress %v", mid)
	}
	a.wait(spec.MediaUploadProgress, field("progress", 100))
	up := b.wait(spec.MediaUploaded, field("messageId", "m-1"))
	got, err := http.Get(up["url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if !bytes.Equal(body, data) || got.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("GET media: %d bytes, %s", len(body), got.Header.Get("Content-Type"))
	}
	req, _ = http.NewRequest(http.MethodPost, h.url+"/media?conversationId="+id+"&messageId=m-2&fileName=x", bytes.NewReader(data))
	req.Header.Set("Content-Type", "image/jpeg")
	if resp, _ := http.DefaultClient.Do(req); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("upload without a token: %d", resp.StatusCode)
	}
}

func TestDropClosesTheTransport(t *testing.T) {
	h := start(t)
	a := h.connect(agent("ana"), "/app")
	b := h.connect(agent("beto"), "/app")
	if status, d := h.post("/control/drop", map[string]any{"tenantId": "ten_a", "userId": "ana"}); status != http.StatusOK || d["sockets"] != float64(1) {
		t.Fatalf("drop: %d %v", status, d)
	}
	<-a.conn.Done()
	if r := a.conn.CloseReason(); r != sioconn.ReasonTransportClose {
		t.Fatalf("close reason %q, want transport close", r)
	}
	b.barrier()
}

func TestHealthAndMetrics(t *testing.T) {
	h := start(t, func(c *Config) { c.RateLimitScale = 10 })
	a := h.connect(agent("ana"), "/app")
	a.ack(spec.JoinConversation, map[string]any{"conversationId": "conv_h"})
	resp, err := http.Get(h.url + "/health/socket")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`"status":"healthy"`, `"activeConnections":1`, `"redis":{"connected":false,"status":"disabled"}`,
		`"message:send":{"limit":600,"windowMs":60000}`, `"limitsRaised":true`} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("health lacks %s: %s", want, body)
		}
	}
	resp, err = http.Get(h.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`utalk_connections{namespace="/app"} 1`, `utalk_events_total{event="join:conversation"} 1`,
		`utalk_reply_latency_seconds_bucket`} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
