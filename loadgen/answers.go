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
		if ev := e.c.Event(str(m, "event")); ev != nil {
			cands = []*spec.Event{ev}
		}
	}
	for _, ev := range cands {
		corr := str(m, ev.Correlation)
		if corr == "" {
			corr = str(m, "correlationId")
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
			if seq := num(m, "seq"); seq >= v.lastSeq {
				v.lastSeq, v.lastID = seq, str(m, "id")
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
func (v *vu) answered(r *request, name string, m map[string]json.RawMessage, now time.Time) {
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
func errorCode(m map[string]json.RawMessage) string {
	if raw, ok := m["error"]; ok {
		var inner map[string]json.RawMessage
		if json.Unmarshal(raw, &inner) == nil {
			if c := str(inner, "code"); c != "" {
				return c
			}
		}
	}
	if c := str(m, "code"); c != "" {
		return c
	}
	return "UNKNOWN"
}

// onMessageNew times the delivery and checks its order.
func (v *vu) onMessageNew(m map[string]json.RawMessage, now time.Time) {
	e := v.e
	if m == nil {
		return
	}
	mid := str(m, e.ev.send.IdempotencyKey)
	conv := str(m, e.ev.send.Access.Field)
	seq := num(m, "seq")
	if conv != v.conv.id {
		return
	}
	v.mu.Lock()
	verdict := v.track.observe(seq)
	if seq >= v.lastSeq {
		v.lastSeq, v.lastID = seq, str(m, "id")
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
func (v *vu) onSynced(m map[string]json.RawMessage) {
	var msgs []map[string]json.RawMessage
	if raw, ok := m["messages"]; !ok || json.Unmarshal(raw, &msgs) != nil {
		return
	}
	e := v.e
	n := int64(0)
	for _, msg := range msgs {
		if str(msg, e.ev.send.Access.Field) != v.conv.id {
			continue
		}
		seq := num(msg, "seq")
		v.mu.Lock()
		v.track.observe(seq)
		v.lastSeq = max(v.lastSeq, seq)
		v.mu.Unlock()
		n++
	}
	e.rec.Count(func(c *metrics.Counts) { c.Resynced += n })
}
