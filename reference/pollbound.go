package reference

import (
	"context"
	"net/http"
	"time"
)

// boundPolls serves h, ending any long-polling GET of an open session after max.
//
// A poll is answered within the ping interval (the server's ping goes out on it),
// but the engine library accepts a poll on a session it has just closed (the
// official client sends its next poll while its close packet is on the way) and
// never answers it: the request, its goroutine and its connection would stay until
// the client goes away, and http.Server.Shutdown would wait for them. Cancelling
// the request's context after max ends it like a client that went away.
func boundPolls(h http.Handler, max time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.Method != http.MethodGet || q.Get("transport") != "polling" || q.Get("sid") == "" {
			h.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), max)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}
