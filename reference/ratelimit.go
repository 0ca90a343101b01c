package reference

import (
	"sync"
	"time"

	"github.com/utalk/rtconform/spec"
)

// limiter holds one socket's sliding windows, one per client event: the times of
// the accepted events still inside the window, in a ring that grows only as far
// as the traffic needs.
type limiter struct {
	mu      sync.Mutex
	windows map[spec.Role]*window
}

type window struct {
	times []int64 // unix nanos, ring of capacity <= limit
	head  int     // oldest
	n     int
}

// allow records an event at now if fewer than limit events were accepted in the
// last window; otherwise it returns false and when the oldest counted event
// leaves the window.
func (l *limiter) allow(r spec.Role, limit int, win time.Duration, now time.Time) (bool, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.windows == nil {
		l.windows = map[spec.Role]*window{}
	}
	w := l.windows[r]
	if w == nil {
		w = &window{}
		l.windows[r] = w
	}
	t := now.UnixNano()
	cutoff := t - int64(win)
	for w.n > 0 && w.times[w.head] <= cutoff {
		w.head = (w.head + 1) % len(w.times)
		w.n--
	}
	if w.n >= limit {
		return false, time.Unix(0, w.times[w.head]+int64(win))
	}
	if w.n == len(w.times) {
		w.grow(limit)
	}
	w.times[(w.head+w.n)%len(w.times)] = t
	w.n++
	return true, time.Time{}
}

func (w *window) grow(limit int) {
	size := min(limit, max(8, 2*len(w.times)))
	next := make([]int64, size)
	for i := 0; i < w.n; i++ {
		next[i] = w.times[(w.head+i)%len(w.times)]
	}
	w.times, w.head = next, 0
}
