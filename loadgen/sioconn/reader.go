package sioconn

import (
	"encoding/json"
	"errors"
	"io"
	"time"

	"github.com/gorilla/websocket"
)

// Read buffer sizes: frames are read into a per-connection buffer that
// starts small and is dropped after a frame larger than maxKeptReadBuf, so
// thousands of idle connections hold little memory.
const (
	initialReadBuf = 512
	maxKeptReadBuf = 64 << 10
	maxArgsKept    = 64  // args slice capacity kept between events
	maxNames       = 256 // interned event names per connection
)

// readLoop is the read goroutine: it reads frames until the connection
// closes, then releases everything.
func (c *Conn) readLoop() {
	defer c.finish()
	buf := make([]byte, 0, initialReadBuf)
	var args []json.RawMessage
	for {
		typ, r, err := c.ws.NextReader()
		if err != nil {
			c.shutdown(ReasonTransportClose, transportCause(err), false)
			return
		}
		if typ != websocket.TextMessage {
			if _, err := io.Copy(io.Discard, r); err != nil {
				c.shutdown(ReasonTransportClose, err, false)
				return
			}
			c.reportError(ErrBinaryNotSupported)
			continue
		}
		buf, err = readFull(r, buf[:0])
		if err != nil {
			c.shutdown(ReasonTransportClose, transportCause(err), false)
			return
		}
		var stop bool
		args, stop = c.handleFrame(buf, args[:0])
		if stop {
			return
		}
		if cap(buf) > maxKeptReadBuf {
			buf = make([]byte, 0, initialReadBuf)
		}
		if cap(args) > maxArgsKept {
			args = nil
		}
	}
}

// transportCause keeps the cause of a transport close short: a normal
// websocket close frame or EOF becomes io.EOF.
func transportCause(err error) error {
	if websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway) ||
		errors.Is(err, io.ErrUnexpectedEOF) {
		return io.EOF
	}
	return err
}

// readFull appends all of r to buf, growing it as needed.
func readFull(r io.Reader, buf []byte) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// handleFrame acts on one Engine.IO frame and reports whether the read
// loop must stop. args is scratch space for event arguments.
func (c *Conn) handleFrame(frame []byte, args []json.RawMessage) ([]json.RawMessage, bool) {
	in := inbound{args: args}
	err := decodeFrame(frame, &in)
	if err != nil {
		c.shutdown(ReasonParseError, err, false)
		return in.args, true
	}
	switch in.kind {
	case framePing:
		c.pingTimer.Reset(c.pingWait)
		c.pong(frame)
	case frameClose:
		c.shutdown(ReasonTransportClose, errors.New("sioconn: server sent an Engine.IO close packet"), false)
		return in.args, true
	case frameBinary:
		c.reportError(ErrBinaryNotSupported)
	case framePacket:
		if string(in.pkt.nsp) != c.nsp {
			break // another namespace multiplexed on this engine: not ours
		}
		switch in.pkt.typ {
		case socketEvent:
			c.dispatch(in.name, in.args[1:])
		case socketAck:
			if w := c.acks.take(in.pkt.id); w != nil {
				w.ch <- ackResult{args: append(json.RawMessage(nil), in.pkt.data...)}
			}
		case socketDisconnect:
			c.shutdown(ReasonServerDisconnect, nil, false)
			return in.args, true
		}
		// A late CONNECT or CONNECT_ERROR for this namespace: Dial has had its reply.
	}
	return in.args, false
}

// pongFrame is the answer to a plain ping.
var pongFrame = []byte{enginePong}

// pong answers a ping right away, echoing any ping data ("2probe" ->
// "3probe") as Engine.IO servers expect.
func (c *Conn) pong(ping []byte) {
	frame := pongFrame
	if len(ping) > 1 {
		frame = append([]byte{enginePong}, ping[1:]...)
	}
	_ = c.writeFrame(frame)
}

// dispatch runs the handler for name, or OnEvent, then signals Dial if
// name is the ReadyEvent.
func (c *Conn) dispatch(name []byte, args []json.RawMessage) {
	if c.closeErr.Load() != nil {
		return // Close was called: no handler runs after it
	}
	if h, ok := (*c.handlers.Load())[string(name)]; ok {
		c.inHandler.Store(true)
		h(args)
		c.inHandler.Store(false)
	} else if c.onEvent != nil {
		c.inHandler.Store(true)
		c.onEvent(c.intern(name), args)
		c.inHandler.Store(false)
	}
	if c.ready != nil && string(name) == string(c.ready) {
		c.ready = nil
		close(c.readyCh)
	}
}

// intern returns name as a string, allocating it once per connection for
// the first maxNames distinct names.
func (c *Conn) intern(name []byte) string {
	if s, ok := c.names[string(name)]; ok {
		return s
	}
	s := string(name)
	if len(c.names) < maxNames {
		if c.names == nil {
			c.names = make(map[string]string)
		}
		c.names[s] = s
	}
	return s
}

func (c *Conn) reportError(err error) {
	if c.onError != nil {
		c.onError(err)
	}
}

// finish runs when the read goroutine ends: it makes sure a close reason is
// set, stops the ping timer, closes the socket, fails pending acks and
// closes Done.
func (c *Conn) finish() {
	c.shutdown(ReasonTransportClose, io.EOF, false)
	c.pingTimer.Stop()
	if r := c.closeErr.Load().Reason; r == ReasonServerDisconnect || r == ReasonParseError {
		_ = c.ws.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(closeGrace))
	}
	_ = c.ws.NetConn().Close()
	c.acks.closeAll(c.closeErr.Load())
	close(c.done)
}
