package reference

import (
	"sync/atomic"

	"github.com/zishang520/socket.io/parsers/engine/v3/packet"
	"github.com/zishang520/socket.io/servers/engine/v3"
)

// watchOutbound bounds one Engine.IO connection's outbound queue (D13).
//
// The library never blocks an emitter: a packet goes into the connection's
// write buffer, which is flushed to the transport only while the transport is
// writable, and a websocket stays unwritable while its writer goroutine is stuck
// in a write to a peer that stopped reading. So one stuck tab costs memory, not
// latency, and the buffer grows without bound. This counts packets created minus
// packets handed to the transport; past the limit the connection is closed, which
// also unblocks the stuck write. The client recovers with sync:state.
func (s *Server) watchOutbound(args ...any) {
	if len(args) == 0 {
		return
	}
	conn, ok := args[0].(engine.Socket)
	if !ok {
		return
	}
	// One object per connection for the gate and the counters, so that the
	// listeners cost no captured variables of their own.
	o := &outbound{srv: s, conn: conn, limit: int64(s.cfg.OutboundBufferPackets)}
	s.gates.Store(conn.Id(), &o.connectGate)
	_ = conn.On("packet", o.hold)
	_ = conn.Once("close", o.closed)
	_ = conn.On("packetCreate", o.created)
	_ = conn.On("flush", o.flushed)
}

// outbound is one connection's connect gate and outbound queue count.
type outbound struct {
	connectGate
	srv     *Server
	conn    engine.Socket
	limit   int64
	pending atomic.Int64 // packets created minus packets handed to the transport
	dropped atomic.Bool
}

func (o *outbound) closed(...any) { o.srv.gates.Delete(o.conn.Id()) }

func (o *outbound) created(args ...any) {
	if len(args) > 0 {
		plainFrame(args[0])
	}
	if o.pending.Add(1) <= o.limit || !o.dropped.CompareAndSwap(false, true) {
		return
	}
	o.srv.m.dropped.Inc()
	o.srv.log.Warn("slow consumer dropped", "conn", o.conn.Id(), "queued", o.pending.Load(), "limit", o.limit)
	// Not here: the emitter may hold the client's write lock.
	go o.conn.Close(true)
}

func (o *outbound) flushed(args ...any) {
	if len(args) > 0 {
		if wbuf, ok := args[0].([]*packet.Packet); ok {
			o.pending.Add(-int64(len(wbuf)))
		}
	}
}

// plainFrame makes a broadcast packet go out as an ordinary websocket write.
//
// For a broadcast the library encodes the packet once and hands every recipient
// the same bytes as a "pre-encoded frame", but its websocket transport then builds
// a new gorilla PreparedMessage from them for each recipient, and gorilla frames a
// PreparedMessage through a throw-away connection with a 4 KiB buffer and a map:
// about 5 KiB allocated per delivery, more than the ordinary path, which reuses the
// connection's own write buffer. The packet here is the recipient's own copy
// (engine socket.sendPacket clones the options before emitting packetCreate), so
// clearing the field races with nobody; the bytes on the wire are the same.
func plainFrame(arg any) {
	if p, ok := arg.(*packet.Packet); ok && p.Options != nil {
		p.Options.WsPreEncodedFrame = nil
	}
}
