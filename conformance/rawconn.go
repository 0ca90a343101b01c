package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

// RawConn is a Socket.IO connection written by hand over one websocket: Engine.IO v4
// and Socket.IO v5 text frames, one namespace. Unlike Client it reads only when asked,
// so a spec can make a consumer that stops reading (backpressure).
type RawConn struct {
	w     *World
	ws    *websocket.Conn
	ns    string
	Actor string
	// PingInterval is the Engine.IO ping interval of the handshake.
	PingInterval time.Duration

	wmu  sync.Mutex
	done chan struct{}
	once sync.Once
}

// DialRaw connects u to namespace ns over a websocket whose kernel receive buffer is
// readBuffer bytes (0: the default), and returns once the namespace is connected. Ping
// packets are answered while the connection reads.
func (w *World) DialRaw(ctx context.Context, u User, ns string, readBuffer int) (*RawConn, error) {
	tok, err := w.Token(ctx, u, w.C.Handshake.TokenTTL())
	if err != nil {
		return nil, err
	}
	base, err := url.Parse(w.T.URL(0))
	if err != nil {
		return nil, err
	}
	scheme := "ws"
	if base.Scheme == "https" {
		scheme = "wss"
	}
	wsURL := url.URL{Scheme: scheme, Host: base.Host, Path: w.T.SIOPath, RawQuery: "EIO=4&transport=websocket"}
	d := websocket.Dialer{
		HandshakeTimeout: w.WaitTimeout(),
		TLSClientConfig:  w.T.TLS,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			d := net.Dialer{}
			if readBuffer > 0 {
				d.Control = func(_, _ string, c syscall.RawConn) error { return setReadBuffer(c, readBuffer) }
			}
			return d.DialContext(ctx, network, addr)
		},
	}
	ws, _, err := d.DialContext(ctx, wsURL.String(), w.T.Headers.Clone())
	if err != nil {
		return nil, fmt.Errorf("raw dial %s: %w", wsURL.String(), err)
	}
	r := &RawConn{w: w, ws: ws, ns: ns, Actor: u.ID + "@" + ns + "(raw)", done: make(chan struct{})}
	open, err := r.next(ctx, func(f string) bool { return strings.HasPrefix(f, "0") })
	if err != nil {
		ws.Close()
		return nil, fmt.Errorf("raw %s: no Engine.IO open: %w", r.Actor, err)
	}
	var hs struct {
		PingInterval int64 `json:"pingInterval"`
	}
	_ = json.Unmarshal([]byte(strings.TrimPrefix(open, "0")), &hs)
	r.PingInterval = time.Duration(hs.PingInterval) * time.Millisecond
	auth, _ := json.Marshal(map[string]any{w.C.Handshake.AuthField: tok})
	if err := r.write("40" + r.nsPrefix() + string(auth)); err != nil {
		ws.Close()
		return nil, err
	}
	f, err := r.next(ctx, func(f string) bool {
		return strings.HasPrefix(f, "40"+r.nsPrefix()) || strings.HasPrefix(f, "44"+r.nsPrefix())
	})
	if err != nil {
		ws.Close()
		return nil, fmt.Errorf("raw %s: no namespace connect: %w", r.Actor, err)
	}
	if strings.HasPrefix(f, "44") {
		ws.Close()
		return nil, fmt.Errorf("raw %s: connect_error %s", r.Actor, strings.TrimPrefix(f, "44"+r.nsPrefix()))
	}
	w.Rec.Add("note", r.Actor, "", nil, "connected")
	return r, nil
}

func (r *RawConn) nsPrefix() string {
	if r.ns == "/" {
		return ""
	}
	return r.ns + ","
}

func (r *RawConn) write(frame string) error {
	r.wmu.Lock()
	defer r.wmu.Unlock()
	_ = r.ws.SetWriteDeadline(time.Now().Add(r.w.WaitTimeout()))
	return r.ws.WriteMessage(websocket.TextMessage, []byte(frame))
}

// KeepAlive sends an Engine.IO pong every half ping interval without reading the
// pings, so the server's heartbeat keeps a connection that reads nothing alive, until
// Close.
func (r *RawConn) KeepAlive() {
	every := r.PingInterval / 2
	if every <= 0 {
		every = time.Second
	}
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-r.done:
				return
			case <-t.C:
				if r.write("3") != nil {
					return
				}
			}
		}
	}()
}

// Emit sends event name with one payload.
func (r *RawConn) Emit(name string, payload any) error {
	b, err := json.Marshal([]any{name, payload})
	if err != nil {
		return err
	}
	r.w.Rec.Add("sent", r.Actor, name, payload, "raw")
	return r.write("42" + r.nsPrefix() + string(b))
}

// next reads frames, answering pings, until one satisfies match.
func (r *RawConn) next(ctx context.Context, match func(string) bool) (string, error) {
	deadline := time.Now().Add(r.w.WaitTimeout())
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	for {
		_ = r.ws.SetReadDeadline(deadline)
		_, b, err := r.ws.ReadMessage()
		if err != nil {
			return "", err
		}
		f := string(b)
		if f == "2" {
			if err := r.write("3"); err != nil {
				return "", err
			}
			continue
		}
		if match(f) {
			return f, nil
		}
	}
}

// WaitEvent reads until event name arrives and returns its payload.
func (r *RawConn) WaitEvent(ctx context.Context, name string) (map[string]any, error) {
	prefix := "42" + r.nsPrefix()
	var payload map[string]any
	_, err := r.next(ctx, func(f string) bool {
		if !strings.HasPrefix(f, prefix) {
			return false
		}
		var args []json.RawMessage
		if json.Unmarshal([]byte(strings.TrimPrefix(f, prefix)), &args) != nil || len(args) == 0 {
			return false
		}
		var n string
		if json.Unmarshal(args[0], &n) != nil || n != name {
			return false
		}
		if len(args) > 1 {
			_ = json.Unmarshal(args[1], &payload)
		}
		return true
	})
	if err == nil {
		r.w.Rec.Add("recv", r.Actor, name, payload, "raw")
	}
	return payload, err
}

// ErrStillOpen is returned by Drain when the server kept the connection open.
var ErrStillOpen = errors.New("the server kept the connection open")

// Drain reads (without answering pings) everything the server sent until the
// connection ends, and returns how many frames were read. It fails with ErrStillOpen
// when nothing arrives for quiet while the connection is still open.
func (r *RawConn) Drain(quiet time.Duration) (int, error) {
	n := 0
	for {
		_ = r.ws.SetReadDeadline(time.Now().Add(quiet))
		_, b, err := r.ws.ReadMessage()
		var ne net.Error
		switch {
		case errors.As(err, &ne) && ne.Timeout():
			return n, fmt.Errorf("%w: %d frames read, then %v of silence", ErrStillOpen, n, quiet)
		case err != nil:
			return n, nil
		}
		if !bytes.Equal(b, []byte("2")) {
			n++
		}
	}
}

// Close closes the websocket.
func (r *RawConn) Close() {
	r.once.Do(func() { close(r.done) })
	_ = r.ws.Close()
}
