package loadgen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/utalk/rtconform/loadgen/metrics"
	"github.com/utalk/rtconform/loadgen/scenario"
	"github.com/utalk/rtconform/spec"
)

// engine is one run in progress.
type engine struct {
	cfg     Config
	sc      *scenario.Scenario
	c       *spec.Contract
	ev      *events
	rec     *metrics.Recorder
	fan     *fanout
	http    *http.Client
	timeout time.Duration
	runTag  string
	// idTag makes ids unique per process: shards share the run id, and the target
	// remembers messageIds per tenant for a day (D6).
	idTag string

	convs   []*conversation
	users   []*vu
	senders []*vu

	ctx      context.Context
	stopping atomic.Bool
	// ended is closed once the run has swept every pending request.
	ended    chan struct{}
	ops      sync.WaitGroup
	ids      atomic.Uint64
	phase    atomic.Value // string
	rate     atomic.Value // float64
	rssNow   atomic.Int64
	rssFirst atomic.Int64
	// rssSamples are the target's RSS readings; loadStart is when the phases began.
	rssMu      sync.Mutex
	rssSamples []rssSample
	loadStart  atomic.Int64
	skipped    atomic.Int64

	rngMu sync.Mutex
	rng   *rand.Rand
	sids  sync.Map // Twilio sids of customer messages sent
	rr    map[string]*atomic.Uint64
}

// rssSample is one reading of the target's RSS.
type rssSample struct {
	at    time.Time
	bytes int64
}

// nextID returns a new id, unique across shards and runs: runTag.idTag.kind.n.
func (e *engine) nextID(kind string) string {
	b := make([]byte, 0, len(e.runTag)+len(e.idTag)+len(kind)+24)
	b = append(append(append(b, e.runTag...), '.'), e.idTag...)
	b = append(append(append(b, '.'), kind...), '.')
	return string(strconv.AppendUint(b, e.ids.Add(1), 10))
}

func (e *engine) randInt63n(n int64) int64 {
	e.rngMu.Lock()
	defer e.rngMu.Unlock()
	return e.rng.Int64N(n)
}

func (e *engine) text() string {
	e.rngMu.Lock()
	defer e.rngMu.Unlock()
	return text(e.rng, e.sc.Texts.MinWords, e.sc.Texts.MaxWords)
}

func (e *engine) sidSent(mid string) bool {
	_, ok := e.sids.Load(mid)
	return ok
}

// pick returns the next live sender for an action, round-robin per action so each
// socket carries an equal share of every event (the rate-limit plan of Check).
func (e *engine) pick(action string) *vu {
	n := uint64(len(e.senders))
	if n == 0 {
		return nil
	}
	ctr := e.rr[action]
	for range n {
		v := e.senders[(ctr.Add(1)-1)%n]
		if v.live() {
			return v
		}
	}
	return nil
}

// do performs one action for v, as intended at start. wait blocks for the answer.
func (e *engine) do(v *vu, action string, start time.Time, wait bool) {
	switch action {
	case scenario.ActionReconnect:
		v.reconnect()
		return
	case scenario.ActionCustomerMessage:
		e.customerMessage(v.conv, start)
		return
	}
	ev := e.c.ByRole(spec.Role(action))
	corr := v.conv.id
	if ev.Correlation != "" && ev.Correlation != accessField(ev) {
		kind, _, _ := strings.Cut(string(ev.Role), "-")
		corr = e.nextID(kind)
	}
	p := newPayload()
	defer p.release()
	if ev.Correlation != "" {
		p.str(ev.Correlation, corr)
	}
	if f := accessField(ev); f != "" && f != ev.Correlation {
		p.str(f, v.conv.id)
	}
	switch ev {
	case e.ev.send:
		p.str("text", e.text())
		var ids []int
		for _, m := range v.conv.members {
			if m != v && m.live() {
				ids = append(ids, m.id)
			}
		}
		e.fan.expect(corr, start, start.Add(e.timeout), ids)
		e.rec.Count(func(c *metrics.Counts) {
			c.MessagesSent++
			c.FanoutExpected += int64(len(ids))
		})
	case e.c.ByRole(spec.ReadConversation):
		// A read receipt names the server id of the last message read.
		v.mu.Lock()
		last := v.lastID
		v.mu.Unlock()
		if last == "" {
			e.skipped.Add(1)
			return
		}
		p.str("messageId", last)
	case e.ev.sync:
		v.mu.Lock()
		after := v.lastSeq
		v.mu.Unlock()
		p.raw("cursors", cursors(v.conv.id, after))
	}
	if _, err := v.request(ev, p.json(), corr, start, wait); err == errNotConnected {
		e.skipped.Add(1)
	}
}

// cursors is sync-state's cursors argument for one conversation.
func cursors(conv string, afterSeq int64) []byte {
	c := &payload{b: []byte{'{'}}
	c.str("conversationId", conv)
	c.int("afterSeq", afterSeq)
	return append(append([]byte{'['}, c.json()...), ']')
}

func accessField(ev *spec.Event) string {
	if ev.Access == nil {
		return ""
	}
	return ev.Access.Field
}

// customerMessage sends an inbound WhatsApp message that every member should receive.
func (e *engine) customerMessage(cv *conversation, start time.Time) {
	if cv.customer == "" {
		e.skipped.Add(1)
		return
	}
	sid := fmt.Sprintf("SM%032x", e.ids.Add(1))
	e.sids.Store(sid, true)
	ids := make([]int, 0, len(cv.members))
	for _, m := range cv.members {
		if m.live() {
			ids = append(ids, m.id)
		}
	}
	e.fan.expect(sid, start, start.Add(e.timeout), ids)
	e.rec.Count(func(c *metrics.Counts) { c.FanoutExpected += int64(len(ids)) })
	e.rec.Request(scenario.ActionCustomerMessage)
	if err := e.inbound(e.ctx, cv.customer, e.text(), sid); err != nil {
		e.rec.ErrorCode("CONTROL_FAILED")
		return
	}
	e.rec.Count(func(c *metrics.Counts) { c.Replies++ })
}

// sweep counts the requests and deliveries past their deadline as lost.
func (e *engine) sweep(now time.Time, force bool) int64 {
	var lost int64
	for _, v := range e.users {
		for _, r := range v.expire(now, force) {
			lost++
			if r.done != nil {
				r.done <- false
			}
		}
	}
	fl := e.fan.expire(now, force)
	if lost > 0 || fl > 0 {
		e.rec.Count(func(c *metrics.Counts) {
			c.Lost += lost
			c.FanoutLost += fl
		})
	}
	return lost
}

func (e *engine) pending() int64 {
	var n int64
	for _, v := range e.users {
		n += v.pendingCount()
	}
	return n
}
