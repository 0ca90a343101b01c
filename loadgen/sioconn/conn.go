package sioconn

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Conn is one Socket.IO namespace connection over its own Engine.IO
// websocket. Emit, EmitWithAck, On and Close are safe for concurrent use.
//
// Each Conn runs one goroutine, the read goroutine, which answers server
// pings, resolves acks and runs handlers. The ping-timeout watch is a timer,
// not a goroutine.
type Conn struct {
	ws        *websocket.Conn
	handshake Handshake
	nsp       string
	sid       string

	evPrefix []byte // 42<nsp>,
	discPkt  []byte // 41<nsp>,

	wmu sync.Mutex // serializes websocket writes

	acks ackTable

	hmu       sync.Mutex // serializes On; readers load handlers without it
	handlers  atomic.Pointer[map[string]Handler]
	onEvent   EventHandler
	onError   func(error)
	names     map[string]string // interned event names, read goroutine only
	inHandler atomic.Bool
	ready     []byte        // Options.ReadyEvent, nil once seen
	readyCh   chan struct{} // closed when ReadyEvent arrives

	pingTimer *time.Timer
	pingWait  time.Duration

	closeErr atomic.Pointer[CloseError] // first close reason wins
	done     chan struct{}              // closed when the read goroutine has finished
}

// Handshake is what the server said in the Engine.IO open packet.
type Handshake struct {
	EngineSID    string        // Engine.IO session id
	PingInterval time.Duration // how often the server pings
	PingTimeout  time.Duration // how long it waits for the pong
	MaxPayload   int64         // largest frame the server accepts
}

// SID returns the Socket.IO socket id the server gave in its CONNECT reply.
func (c *Conn) SID() string { return c.sid }

// Namespace returns the connected namespace.
func (c *Conn) Namespace() string { return c.nsp }

// Handshake returns the Engine.IO open packet's values.
func (c *Conn) Handshake() Handshake { return c.handshake }

// Done returns a channel closed once the connection has closed and its read
// goroutine has finished.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Err returns nil while the connection is open, and a *CloseError once Done
// is closed.
func (c *Conn) Err() error {
	select {
	case <-c.done:
		return c.closeErr.Load()
	default:
		return nil
	}
}

// CloseReason returns why the connection closed, or "" while Done is open.
func (c *Conn) CloseReason() CloseReason {
	select {
	case <-c.done:
		return c.closeErr.Load().Reason
	default:
		return ""
	}
}

// On registers h for event, replacing any earlier handler; a nil h removes
// it. Events read before On returns may have gone to Options.OnEvent: use
// Options.Handlers for events the server sends right on connect.
func (c *Conn) On(event string, h Handler) {
	c.hmu.Lock()
	defer c.hmu.Unlock()
	old := *c.handlers.Load()
	m := make(map[string]Handler, len(old)+1)
	for k, v := range old {
		m[k] = v
	}
	if h == nil {
		delete(m, event)
	} else {
		m[event] = h
	}
	c.handlers.Store(&m)
}

// shutdown records the first close reason and, for the first caller only,
// closes the TCP connection so that the read goroutine stops. It reports
// whether this call was the first.
func (c *Conn) shutdown(reason CloseReason, cause error, closeTransport bool) bool {
	if !c.closeErr.CompareAndSwap(nil, &CloseError{Reason: reason, Err: cause}) {
		return false
	}
	if closeTransport {
		_ = c.ws.NetConn().Close()
	}
	return true
}

// closeGrace bounds how long Close waits for the server's websocket close
// frame after sending its own.
const closeGrace = time.Second

// Close sends the namespace DISCONNECT packet and a websocket close frame,
// waits up to a second for the server to close, and releases the
// connection. It returns nil; calling it again, or after the server closed,
// does nothing more. Called from a handler it does not wait for the read
// goroutine (which is running the handler); Done is closed after the
// handler returns.
func (c *Conn) Close() error {
	if c.shutdown(ReasonClientDisconnect, nil, false) {
		deadline := time.Now().Add(closeGrace)
		// A writer stuck on a peer that does not read holds wmu: the socket
		// deadline (safe to set concurrently, unlike gorilla's) frees it.
		_ = c.ws.NetConn().SetWriteDeadline(deadline)
		c.wmu.Lock()
		_ = c.ws.SetWriteDeadline(deadline)
		_ = c.ws.WriteMessage(websocket.TextMessage, c.discPkt)
		c.wmu.Unlock()
		_ = c.ws.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), deadline)
		_ = c.ws.SetReadDeadline(deadline)
	}
	if !c.inHandler.Load() {
		<-c.done
	}
	return nil
}
