package reference

import (
	"context"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// rawConn is a hand-driven Engine.IO/Socket.IO websocket: frames in, frames out,
// nothing in between (for the slow-consumer and fuzz tests).
type rawConn struct {
	t  testing.TB
	ws *websocket.Conn
	ns string
}

// raw connects u to ns over a websocket whose TCP receive buffer is rbuf bytes
// (0: the system's).
func (h *harness) raw(t testing.TB, u user, ns string, rbuf int) *rawConn {
	t.Helper()
	wsURL := strings.Replace(h.url, "http://", "ws://", 1) + h.c.Transport.Path + "?EIO=4&transport=websocket"
	d := websocket.Dialer{HandshakeTimeout: waitFor, NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err == nil && rbuf > 0 {
			_ = c.(*net.TCPConn).SetReadBuffer(rbuf)
		}
		return c, err
	}}
	ws, _, err := d.Dial(wsURL, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", wsURL, err)
	}
	t.Cleanup(func() { _ = ws.Close() })
	r := &rawConn{t: t, ws: ws, ns: ns}
	if f := r.read(); !strings.HasPrefix(f, "0{") {
		t.Fatalf("open packet %q", f)
	}
	tok, err := h.tokens.Token(context.Background(), u.claims(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	auth, _ := json.Marshal(map[string]any{"token": tok})
	r.write("40" + ns + "," + string(auth))
	for {
		// A broadcast may overtake the CONNECT packet by a hair (the library
		// marks the socket connected just before writing it); clients buffer or
		// skip such events, as this one does.
		f := r.read()
		if strings.HasPrefix(f, "40"+ns+",") {
			return r
		}
		if !strings.HasPrefix(f, "42"+ns+",") {
			t.Fatalf("connect answer %q", f)
		}
	}
}

func (r *rawConn) write(frame string) {
	r.t.Helper()
	_ = r.ws.SetWriteDeadline(time.Now().Add(waitFor))
	if err := r.ws.WriteMessage(websocket.TextMessage, []byte(frame)); err != nil {
		r.t.Fatalf("write %.60q: %v", frame, err)
	}
}

// read returns the next frame that is not a ping (pings are answered).
func (r *rawConn) read() string {
	r.t.Helper()
	for {
		_ = r.ws.SetReadDeadline(time.Now().Add(waitFor))
		_, b, err := r.ws.ReadMessage()
		if err != nil {
			r.t.Fatalf("read: %v", err)
		}
		if string(b) == "2" {
			r.write("3")
			continue
		}
		return string(b)
	}
}

// call sends an event with ack id and returns the ack frame's payload.
func (r *rawConn) call(id int, frame string) string {
	r.t.Helper()
	prefix := "43" + r.ns + "," + itoa(id) + "["
	r.write("42" + r.ns + "," + itoa(id) + frame)
	deadline := time.Now().Add(waitFor)
	for time.Now().Before(deadline) {
		if f := r.read(); strings.HasPrefix(f, prefix) {
			return f[len(prefix)-1:]
		}
	}
	r.t.Fatalf("no ack %d within %v", id, waitFor)
	return ""
}

func itoa(i int) string { return jsonInt(i) }

func jsonInt(i int) string { b, _ := json.Marshal(i); return string(b) }
