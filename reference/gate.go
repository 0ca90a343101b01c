package reference

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/zishang520/socket.io/parsers/engine/v3/packet"
	"github.com/zishang520/socket.io/v3/pkg/types"
)

// connectGate works around a race in the library: a namespace's CONNECT packet is
// written to the client before the client object records the namespace as
// joined (servers/socket client.doConnect), so a client that emits right after
// "connect" can have its first packet arrive in between, be taken for a packet of
// an unjoined namespace, and get its whole connection closed. The gate holds a
// connection's incoming packets for a namespace whose connection is under way
// until it completes (the connect runs on another goroutine, the socket's queue).
type connectGate struct {
	waiting atomic.Int32 // fast path: no namespace connecting
	mu      sync.Mutex
	pending map[string]chan struct{}
}

// gateWait bounds how long a packet is held.
const gateWait = 2 * time.Second

// open marks namespace nsp as connecting.
func (g *connectGate) open(nsp string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.pending == nil {
		g.pending = map[string]chan struct{}{}
	}
	if _, ok := g.pending[nsp]; !ok {
		g.pending[nsp] = make(chan struct{})
		g.waiting.Add(1)
	}
}

// done marks nsp connected (or given up on) and releases the packets held.
func (g *connectGate) done(nsp string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if ch, ok := g.pending[nsp]; ok {
		close(ch)
		delete(g.pending, nsp)
		g.waiting.Add(-1)
	}
	if len(g.pending) == 0 {
		g.pending = nil // the map would otherwise stay for the connection's lifetime
	}
}

// hold is the engine connection's "packet" listener: it runs on the reading
// goroutine before the packet is decoded.
func (g *connectGate) hold(args ...any) {
	if g.waiting.Load() == 0 || len(args) == 0 {
		return
	}
	p, ok := args[0].(*packet.Packet)
	if !ok || p.Type != packet.MESSAGE {
		return
	}
	buf, ok := p.Data.(types.BufferInterface)
	if !ok {
		return
	}
	head, _ := buf.Peek(min(buf.Len(), 256))
	nsp, connect := packetNamespace(head)
	if connect {
		return
	}
	g.mu.Lock()
	ch := g.pending[nsp]
	g.mu.Unlock()
	if ch == nil {
		return
	}
	t := time.NewTimer(gateWait)
	defer t.Stop()
	select {
	case <-ch:
	case <-t.C:
	}
}

// packetNamespace reads a Socket.IO packet's namespace ("/" when absent) and
// whether it is a CONNECT: 2/app,["ev"] is an event of /app, 51-/app,... a binary
// event with one attachment.
func packetNamespace(b []byte) (nsp string, connect bool) {
	if len(b) == 0 {
		return "/", false
	}
	connect = b[0] == '0'
	i := 1
	if b[0] == '5' || b[0] == '6' { // attachments count, then '-'
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i < len(b) && b[i] == '-' {
			i++
		}
	}
	if i >= len(b) || b[i] != '/' {
		return "/", connect
	}
	j := i
	for j < len(b) && b[j] != ',' {
		j++
	}
	return string(b[i:j]), connect
}
