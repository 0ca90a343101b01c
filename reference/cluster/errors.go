package cluster

import (
	"context"
	"errors"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/utalk/rtconform/reference/store"
	"github.com/utalk/rtconform/reference/store/redisstore"
)

// unavailable reports whether err means that Redis could not serve the call
// (a dial, read or write failure, a timeout, a server that is loading or
// busy), as opposed to an answer (not found, conflict, room full) or a bug.
func unavailable(err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrConflict),
		errors.Is(err, store.ErrRoomFull), errors.Is(err, store.ErrInvalid),
		errors.Is(err, store.ErrInvalidStatus), errors.Is(err, redisstore.ErrBusy):
		return false
	case errors.Is(err, ErrDegraded), errors.Is(err, context.DeadlineExceeded):
		return true
	}
	var rerr redis.Error
	if errors.As(err, &rerr) {
		// Redis answered; only these answers say it cannot serve now.
		msg := rerr.Error()
		for _, p := range []string{"LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN", "READONLY"} {
			if strings.HasPrefix(msg, p) {
				return true
			}
		}
		return false
	}
	// Network errors, pool timeouts, closed clients: all unavailability.
	return true
}
