package store

import (
	"errors"
	"fmt"
	"time"
)

// ErrInvalidStatus is returned by SetStatus for a status the stores do not know.
var ErrInvalidStatus = errors.New("invalid message status")

// statusRanks orders the message statuses of the contract (MessageStatus):
// received and queued come first, then sent, delivered and read; failed is
// terminal, like read, so neither replaces the other.
var statusRanks = map[string]int{
	"received":  1,
	"queued":    1,
	"sent":      2,
	"delivered": 3,
	"read":      4,
	"failed":    4,
}

// StatusRank returns the position of status in the forward order
// received|queued < sent < delivered < read|failed, or ErrInvalidStatus.
// SetStatus moves a message only to a status of a higher rank. Both backends
// use it, so they agree on what "forward" means.
func StatusRank(status string) (int, error) {
	r, ok := statusRanks[status]
	if !ok {
		return 0, fmt.Errorf("%w: %q", ErrInvalidStatus, status)
	}
	return r, nil
}

// StatusRanks returns a copy of the rank table StatusRank uses, for backends
// that apply it elsewhere (the Redis scripts).
func StatusRanks() map[string]int {
	out := make(map[string]int, len(statusRanks))
	for k, v := range statusRanks {
		out[k] = v
	}
	return out
}

// ApplyStatus sets m.Status to status and records at in DeliveredAt (delivered)
// or ReadAt (read; DeliveredAt too when it was never set). It does not check
// the order; callers compare ranks first.
func ApplyStatus(m *Message, status string, at time.Time) {
	m.Status = status
	switch status {
	case "delivered":
		m.DeliveredAt = at
	case "read":
		m.ReadAt = at
		if m.DeliveredAt.IsZero() {
			m.DeliveredAt = at
		}
	}
}
