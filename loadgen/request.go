package loadgen

import (
	"time"

	"github.com/utalk/rtconform/spec"
)

// request is one client event awaiting its answer.
type request struct {
	ev    *spec.Event
	start time.Time // the intended send time (open model) or the send (closed)
	dead  time.Time
	done  chan bool // nil, or receives true on a reply and false otherwise
}

func reqKey(role spec.Role, corr string) string { return string(role) + "\x00" + corr }

// take removes the oldest request under key; callers hold v.mu.
func (v *vu) take(key string) *request {
	list := v.pending[key]
	if len(list) == 0 {
		return nil
	}
	r := list[0]
	if len(list) == 1 {
		delete(v.pending, key)
	} else {
		v.pending[key] = list[1:]
	}
	return r
}

// expire removes the requests past their deadline (all when force), remembering their
// keys so a late answer is counted Late, and returns them.
func (v *vu) expire(now time.Time, force bool) []*request {
	v.mu.Lock()
	defer v.mu.Unlock()
	var out []*request
	for key, list := range v.pending {
		keep := list[:0]
		for _, r := range list {
			if force || now.After(r.dead) {
				out = append(out, r)
				if len(v.expired) > 10000 {
					clear(v.expired)
				}
				v.expired[key]++
			} else {
				keep = append(keep, r)
			}
		}
		if len(keep) == 0 {
			delete(v.pending, key)
		} else {
			v.pending[key] = keep
		}
	}
	return out
}

func (v *vu) pendingCount() int64 {
	v.mu.Lock()
	defer v.mu.Unlock()
	var n int64
	for _, l := range v.pending {
		n += int64(len(l))
	}
	return n
}
