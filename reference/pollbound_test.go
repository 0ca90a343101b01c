package reference

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestBoundPolls: a long-polling GET of a session gets a deadline of max; the
// handshake, POSTs and websocket requests do not.
func TestBoundPolls(t *testing.T) {
	const max = time.Minute
	for _, tt := range []struct {
		method, url string
		bounded     bool
	}{
		{http.MethodGet, "/socket.io/?EIO=4&transport=polling&sid=abc", true},
		{http.MethodGet, "/socket.io/?EIO=4&transport=polling", false},
		{http.MethodPost, "/socket.io/?EIO=4&transport=polling&sid=abc", false},
		{http.MethodGet, "/socket.io/?EIO=4&transport=websocket&sid=abc", false},
	} {
		var deadline time.Time
		var has bool
		h := boundPolls(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			deadline, has = r.Context().Deadline()
		}), max)
		start := time.Now()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(tt.method, tt.url, nil))
		if has != tt.bounded {
			t.Errorf("%s %s: deadline %v, want bounded=%v", tt.method, tt.url, has, tt.bounded)
		}
		if has && (deadline.Before(start.Add(max)) || deadline.After(time.Now().Add(max))) {
			t.Errorf("%s %s: deadline %v, want %v after the request", tt.method, tt.url, deadline.Sub(start), max)
		}
	}
}
