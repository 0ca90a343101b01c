package loadgen

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/utalk/rtconform/loadgen/metrics"
	"github.com/utalk/rtconform/spec"
)

// onEvent receives every event of the user's connection, on its read goroutine.
func (v *vu) onEvent(name string, args []json.RawMessage) {
	e := v.e
	now := time.Now()
	if e.ev.newMsg != nil && name == e.ev.newMsg.Name {
		v.onMessageNew(fields(args), now)
		return
	}
	cands := e.ev.byAnswer[name]
	if len(cands) == 0 {
		return
	}
	m := fields(args)
	if m == nil {
		return
	}
	if e.ev.generic != nil && name == e.ev.generic.Name {
		// The generic error names the request's event and carries its correlationId.
		if ev := e.c.Event(m.str("event")); ev != nil {
			cands = []*spec.Event{ev}
		}
	}
	for _, ev := range cands {
		corr := m.str(ev.Correlation)
		if corr == "" {
			corr = m.str("correlationId")
		}
		key := reqKey(ev.Role, corr)
		v.mu.Lock()
		r := v.take(key)
		late := r == nil && v.expired[key] > 0
		if late {
			if v.expired[key]--; v.expired[key] == 0 {
				delete(v.expired, key)
			}
		}
		if r != nil && ev == e.ev.send && name == ev.Reply.Name {
			if seq := m.num("seq"); seq >= v.lastSeq {
				v.lastSeq, v.lastID = seq, m.str("id")
			}
		}
		v.mu.Unlock()
		if late {
			e.rec.Count(func(c *metrics.Counts) { c.Late++ })
			return
		}
		if r == nil {
			continue
		}
		v.answered(r, name, m, now)
		return
	}
}

// answered records the answer of r.
func (v *vu) answered(r *request, name string, m object, now time.Time) {
	e := v.e
	ok := name == r.ev.Reply.Name
	lat := now.Sub(r.start)
	if r.ev == e.ev.sync {
		e.rec.Observe(metrics.SyncLatency, lat)
	} else {
		e.rec.Observe(metrics.ReplyLatency, lat)
	}
	if ok {
		e.rec.Count(func(c *metrics.Counts) {
			c.Replies++
			if r.ev == e.ev.send {
				c.MessagesAcked++
			}
		})
		if r.ev == e.ev.sync {
			v.onSynced(m)
		}
	} else {
		e.rec.ErrorCode(errorCode(m))
	}
	if r.done != nil {
		r.done <- ok
	}
}

// errorCode finds the contract error code of an error answer: error.code (message
// error) or code (the envelope itself).
func errorCode(m object) string {
	if c := m.obj("error").str("code"); c != "" {
		return c
	}
	if c := m.str("code"); c != "" {
		return c
	}
	return "UNKNOWN"
}

// onMessageNew times the delivery and checks its order.
func (v *vu) onMessageNew(m object, now time.Time) {
	e := v.e
	if m == nil {
		return
	}
	mid := m.str(e.ev.send.IdempotencyKey)
	conv := m.str(e.ev.send.Access.Field)
	seq := m.num("seq")
	if conv != v.conv.id {
		return
	}
	v.mu.Lock()
	verdict := v.track.observe(seq)
	if seq >= v.lastSeq {
		v.lastSeq, v.lastID = seq, m.str("id")
	}
	v.mu.Unlock()
	lat, first := e.fan.deliver(mid, v.id, now)
	e.rec.Count(func(c *metrics.Counts) {
		switch verdict {
		case seqDuplicate:
			c.Duplicates++
		case seqOutOfOrder:
			c.OutOfOrder++
		}
		if first {
			c.FanoutDelivered++
		} else if !strings.HasPrefix(mid, e.runTag) && !e.sidSent(mid) {
			c.Unmatched++
		}
	})
	if first {
		e.rec.Observe(metrics.FanoutLatency, lat)
	}
}

// onSynced counts the messages a re-sync brought back and marks them seen.
func (v *vu) onSynced(m object) {
	e := v.e
	n, recovered := int64(0), int64(0)
	elements(m.get("messages"), func(msg object) {
		if msg.str(e.ev.send.Access.Field) != v.conv.id {
			return
		}
		seq := msg.num("seq")
		v.mu.Lock()
		v.track.observe(seq)
		v.lastSeq = max(v.lastSeq, seq)
		v.mu.Unlock()
		n++
		// A message sent while this member was being dropped: it missed the live
		// delivery, and the re-sync brought it back.
		if e.fan.recover(msg.str(e.ev.send.IdempotencyKey), v.id) {
			recovered++
		}
	})
	e.rec.Count(func(c *metrics.Counts) {
		c.Resynced += n
		c.FanoutRecovered += recovered
	})
}
