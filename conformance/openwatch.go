package conformance

import (
	"time"

	engine "github.com/zishang520/socket.io/clients/engine/v3"
	client "github.com/zishang520/socket.io/clients/socket/v3"
)

// Lost "open" events: Manager.Open of the zishang520 client (v3.0.6) creates the
// Engine.IO socket, which dials the websocket and starts its reader goroutine, and
// only then subscribes to the socket's "open" event. When the server's OPEN packet is
// read before that subscription, "open" is emitted to nobody: the Manager stays
// "opening" until its timeout, the namespace never connects, and a reconnect waits the
// whole timeout too (facts note 8). watchOpen notices an engine that is open while the
// Manager never heard of it, and emits "open" on that engine again, which the Manager
// now listens to. The server saw one connection and one handshake either way: nothing
// is retried.

// openGrace is how long an engine may be open before its "open" event counts as lost:
// the event is emitted right after the engine's state changes, so a Manager that has
// not seen it after this long never will.
const openGrace = 200 * time.Millisecond

// openPoll is how often watchOpen looks.
const openPoll = 20 * time.Millisecond

// watchOpen runs until the client is closed, or, for a client that does not
// reconnect, until the Manager opened once.
func (c *Client) watchOpen(m *client.Manager, reconnecting bool) {
	openedCh := make(chan engine.Socket, 4)
	_ = m.On("open", func(...any) {
		select {
		case openedCh <- m.Engine():
		default:
		}
	})
	var opened, seen engine.Socket
	var seenAt time.Time
	redelivered := map[engine.Socket]bool{}
	t := time.NewTicker(openPoll)
	defer t.Stop()
	for {
		select {
		case <-c.closed:
			return
		case e := <-openedCh:
			opened = e
			if !reconnecting {
				return
			}
			continue
		case <-t.C:
		}
		e := m.Engine()
		if e == nil || e == opened || redelivered[e] || e.ReadyState() != engine.SocketStateOpen {
			continue
		}
		if e != seen {
			seen, seenAt = e, time.Now()
			continue
		}
		if time.Since(seenAt) < openGrace {
			continue
		}
		redelivered[e] = true
		c.w.Rec.Note("%s: the client library lost the engine's open event; delivered it again", c.Actor)
		e.Emit("open")
	}
}
