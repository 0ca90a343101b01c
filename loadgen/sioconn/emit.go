package sioconn

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/gorilla/websocket"
)

// Emit sends event with one argument, payload, without asking for an ack:
// 42/app,["event",payload]. A nil payload sends no argument, a
// json.RawMessage is sent as it is, anything else is encoded with
// encoding/json (no HTML escaping, as JSON.stringify). It returns when the
// frame has been written to the socket.
func (c *Conn) Emit(event string, payload any) error {
	return c.emit(event, payload, 0, false)
}

// EmitWithAck sends event with payload (as Emit) and an ack id, and waits
// for the server's ack: 42/app,7["event",payload] answered by
// 43/app,7[...]. It returns the ack's arguments as one JSON array, for
// example [{"ok":true}], or ctx's error, or a *CloseError if the connection
// closes first. Do not call it from a Handler: the ack is read by the read
// goroutine that runs the handler.
func (c *Conn) EmitWithAck(ctx context.Context, event string, payload any) (json.RawMessage, error) {
	id, w, err := c.acks.register()
	if err != nil {
		return nil, err
	}
	if err := c.emit(event, payload, id, true); err != nil {
		c.acks.abandon(id, w)
		return nil, err
	}
	select {
	case r := <-w.ch:
		waiterPool.Put(w)
		return r.args, r.err
	case <-ctx.Done():
		if r, ok := c.acks.abandon(id, w); ok {
			return r.args, r.err
		}
		return nil, ctx.Err()
	}
}

func (c *Conn) emit(event string, payload any, id uint64, withID bool) error {
	f := getFrame()
	defer putFrame(f)
	if err := encodeEvent(f, c.evPrefix, id, withID, event, payload); err != nil {
		return fmt.Errorf("sioconn: encode %q: %w", event, err)
	}
	return c.writeFrame(f.b.Bytes())
}

// writeFrame writes one text frame, serialized with every other writer.
func (c *Conn) writeFrame(b []byte) error {
	if err := c.closeErr.Load(); err != nil {
		return err
	}
	c.wmu.Lock()
	err := c.ws.WriteMessage(websocket.TextMessage, b)
	c.wmu.Unlock()
	if err != nil {
		c.shutdown(ReasonTransportClose, err, true)
		return c.closeErr.Load()
	}
	return nil
}
