package loadgen

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/utalk/rtconform/internal/token"
	"github.com/utalk/rtconform/loadgen/metrics"
	"github.com/utalk/rtconform/loadgen/sioconn"
	"github.com/utalk/rtconform/spec"
)

// errNotConnected is returned for an action on a user whose connection is down.
var errNotConnected = errors.New("not connected")

// vu is one virtual user: one token, one connection, one conversation.
type vu struct {
	id     int
	conv   *conversation
	sends  bool
	claims token.Claims
	token  string
	e      *engine

	mu           sync.Mutex
	conn         *sioconn.Conn
	joined       bool
	reconnecting bool
	pending      map[string][]*request
	expired      map[string]int
	track        seqTrack // message:new seqs of the conversation
	lastSeq      int64    // the highest seq seen, from message:new or the sender's reply
	lastID       string   // the server id of the newest message seen, for read receipts
}

// live reports whether the user is connected and joined.
func (v *vu) live() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.conn != nil && v.joined
}

// connect dials, joins the conversation, and re-syncs when resync is true.
func (v *vu) connect(ctx context.Context, resync bool) error {
	e := v.e
	e.rec.Count(func(c *metrics.Counts) { c.ConnectAttempts++ })
	start := time.Now()
	conn, err := sioconn.Dial(ctx, sioconn.Options{
		URL: e.cfg.Target, Namespace: e.sc.Target.Namespace,
		Auth:           map[string]any{e.c.Handshake.AuthField: v.token},
		ConnectTimeout: e.sc.Connect.Timeout.D(),
		OnEvent:        v.onEvent,
	})
	if err != nil {
		code := "CONNECT_FAILED"
		var ce *sioconn.ConnectError
		if errors.As(err, &ce) && ce.Code != "" {
			code = ce.Code
		}
		e.rec.FailedConnect(code)
		return err
	}
	e.rec.Observe(metrics.ConnectTime, time.Since(start))
	e.rec.ConnUp()
	v.mu.Lock()
	v.conn, v.joined = conn, false
	v.mu.Unlock()
	go v.supervise(conn)
	if e.ev.join != nil {
		ok, _ := v.request(e.ev.join, map[string]any{e.ev.join.Correlation: v.conv.id}, v.conv.id, time.Now(), true)
		if !ok {
			return errors.New("join refused or lost")
		}
	}
	v.mu.Lock()
	v.joined = true
	v.mu.Unlock()
	if resync && e.ev.sync != nil {
		v.resync()
	}
	return nil
}

// request emits ev and registers it under its correlation value corr. With wait it
// blocks until the answer (true for the reply) or until the sweeper counts it lost
// (false) once its deadline has passed, or the run has ended. No timer per request:
// the sweeper's 100 ms tick serves them all.
func (v *vu) request(ev *spec.Event, payload any, corr string, start time.Time, wait bool) (bool, error) {
	e := v.e
	r := &request{ev: ev, start: start, dead: start.Add(e.timeout)}
	if wait {
		r.done = make(chan bool, 1)
	}
	key := reqKey(ev.Role, corr)
	v.mu.Lock()
	conn := v.conn
	if conn == nil {
		v.mu.Unlock()
		return false, errNotConnected
	}
	v.pending[key] = append(v.pending[key], r)
	v.mu.Unlock()
	e.rec.Request(string(ev.Role))
	if err := conn.Emit(ev.Name, payload); err != nil {
		v.mu.Lock()
		v.take(key)
		v.mu.Unlock()
		e.rec.ErrorCode("CLIENT_EMIT_FAILED")
		return false, err
	}
	if !wait {
		return false, nil
	}
	select {
	case ok := <-r.done:
		return ok, nil
	case <-e.ended:
		return false, nil
	}
}

// resync asks for every message after the user's last seq.
func (v *vu) resync() {
	e := v.e
	v.mu.Lock()
	after := v.lastSeq
	v.mu.Unlock()
	id := e.nextID("sync")
	p := newPayload()
	defer p.release()
	p.str(e.ev.sync.Correlation, id)
	p.raw("cursors", cursors(v.conv.id, after))
	_, _ = v.request(e.ev.sync, p.json(), id, time.Now(), true)
}

// supervise waits for the connection to close and reconnects unless the run stops.
func (v *vu) supervise(conn *sioconn.Conn) {
	<-conn.Done()
	e := v.e
	e.rec.ConnDown()
	v.mu.Lock()
	if v.conn == conn {
		v.conn, v.joined = nil, false
	}
	asked := v.reconnecting
	v.reconnecting = false
	v.mu.Unlock()
	if e.stopping.Load() {
		return
	}
	e.rec.Count(func(c *metrics.Counts) { c.Disconnects++ })
	jitter := time.Duration(0)
	if j := e.sc.Reconnect.Jitter.D(); j > 0 && !asked {
		jitter = time.Duration(e.randInt63n(int64(j)))
	}
	for attempt := 0; attempt < 5 && !e.stopping.Load(); attempt++ {
		select {
		case <-time.After(jitter):
		case <-e.ctx.Done():
			return
		}
		if err := v.connect(e.ctx, e.sc.Reconnect.ResyncOn()); err == nil {
			e.rec.Count(func(c *metrics.Counts) { c.Reconnects++ })
			return
		}
		jitter = time.Duration(250<<attempt) * time.Millisecond
	}
}

// reconnect closes the connection; supervise dials again at once.
func (v *vu) reconnect() {
	v.mu.Lock()
	conn := v.conn
	v.reconnecting = conn != nil
	v.mu.Unlock()
	if conn != nil {
		_ = conn.Close()
	}
}

func (v *vu) close() {
	v.mu.Lock()
	conn := v.conn
	v.mu.Unlock()
	if conn != nil {
		_ = conn.Close()
	}
}
