package reference

import (
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/utalk/rtconform/spec"
)

// FuzzDispatch sends one arbitrary Socket.IO packet on a fresh /app connection:
// the decode-validate-dispatch path must not panic, the server must stay up and
// another socket must be served as before. The connection that sent the packet
// may be closed by it (a frame that does not decode), nothing else.
func FuzzDispatch(f *testing.F) {
	h := start(f, func(c *Config) { c.NoRateLimits = true })
	send, join := h.name(spec.SendMessage), h.name(spec.JoinConversation)
	seeds := []string{
		`2/app,[]`,                        // no event name
		`2/app,[null]`,                    // a null name
		`2/app,[42,{"a":1}]`,              // a number as name
		`2/app,["` + send + `"]`,          // no payload
		`2/app,["` + send + `",null]`,     // null payload
		`2/app,["` + send + `","text"]`,   // string payload
		`2/app,["` + send + `",[1,2,3]]`,  // array payload
		`2/app,["` + send + `",{},{},{}]`, // extra arguments
		`2/app,7["` + join + `",{"conversationId":"conv_x"}]`,
		`2/app,["connect",{}]`, `2/app,["disconnect"]`, `2/app,["error",{}]`, `2/app,["newListener"]`,
		`2/app,["connect_error",{}]`, `2/app,["no:such:event",{}]`,
		`2/app,["` + send + `",` + strings.Repeat(`{"a":`, 500) + `1` + strings.Repeat(`}`, 500) + `]`,
		`2/app,["` + send + `",{"messageId":"\xff\xfe","conversationId":"conv_\xc3\x28","text":"\xed\xa0\x80"}]`,
		`2/app,["` + send + `",{"messageId":"m","conversationId":"conv_x","text":"x","metadata":{"n":1e400}}]`,
		`2/app,["sync:state",{"syncId":"s","limit":123456789012345678901234567890}]`,
		`2/app,["sync:state",{"syncId":"s","cursors":[{"conversationId":"conv_x","afterSeq":-1e308}]}]`,
		`2/app,99999999999999999999999["` + join + `",{"conversationId":"conv_x"}]`,
		`51-/app,["` + send + `",{"_placeholder":true,"num":0}]`,
		`3/app,5[{"ok":true}]`, `1/app,`, `0/app,{"token":"x"}`, `4/app,{"message":"x"}`, `9/app,[]`,
		`2/app,["` + strings.Repeat("x", 10000) + `",{}]`, `2/app,[`, `2/app,["a"`, `2`, ``,
		`2/admin,["sync:state",{"syncId":"s"}]`,
	}
	for _, s := range seeds {
		f.Add(s)
	}
	bystander := h.raw(f, agent("bystander"), "/app", 0)
	bystander.call(1, `["`+join+`",{"conversationId":"conv_fuzz"}]`)
	id := 1
	f.Fuzz(func(t *testing.T, pkt string) {
		victim := h.raw(t, agent("victim"), "/app", 0)
		_ = victim.ws.SetWriteDeadline(time.Now().Add(waitFor))
		_ = victim.ws.WriteMessage(websocket.TextMessage, []byte("4"+pkt))
		probe(victim)
		b := *bystander // the same connection, reporting to this iteration's t
		b.t = t
		id++
		if ans := b.call(id, `["test:barrier",{}]`); !strings.Contains(ans, string(spec.CodeInvalidEvent)) {
			t.Fatalf("bystander's barrier answered %s after %q", ans, pkt)
		}
		if n := h.srv.panics.Load(); n != 0 {
			t.Fatalf("%d handler panics after %q", n, pkt)
		}
	})
}

// probe asks the victim socket for an answer if it is still open; a closed
// connection is a valid outcome of a bad frame.
func probe(r *rawConn) {
	_ = r.ws.SetWriteDeadline(time.Now().Add(time.Second))
	if r.ws.WriteMessage(websocket.TextMessage, []byte(`42/app,424242["test:probe",{}]`)) != nil {
		return
	}
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		_ = r.ws.SetReadDeadline(deadline)
		_, b, err := r.ws.ReadMessage()
		if err != nil || strings.HasPrefix(string(b), "43/app,424242[") {
			return
		}
		if string(b) == "2" {
			_ = r.ws.WriteMessage(websocket.TextMessage, []byte("3"))
		}
	}
}
