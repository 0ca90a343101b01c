package reference

import (
	"bufio"
	"net"
	"net/http"
	"sync"
)

// releaseOnHijack serves h, and for a websocket upgrade lets go of net/http's
// connection state once the connection is hijacked.
//
// The library keeps each connection's HTTP context (request and ResponseWriter)
// for the connection's lifetime, and net/http's ResponseWriter holds the
// connection's 4 KiB read and 4 KiB write buffers, which a hijacked connection
// never uses again: about 10 KiB per idle websocket. Behind this wrapper the
// library holds a writer that forgets the real one at Hijack.
func releaseOnHijack(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") == "" {
			h.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(&hijackWriter{w: w}, r)
	})
}

// hijackWriter is a ResponseWriter that drops the one it wraps once hijacked; after
// that it writes nothing (net/http would refuse the writes too).
type hijackWriter struct {
	mu     sync.Mutex // the library may touch its context from other goroutines
	w      http.ResponseWriter
	header http.Header // after Hijack
}

func (hw *hijackWriter) inner() http.ResponseWriter {
	hw.mu.Lock()
	defer hw.mu.Unlock()
	return hw.w
}

func (hw *hijackWriter) Header() http.Header {
	hw.mu.Lock()
	defer hw.mu.Unlock()
	if hw.w != nil {
		return hw.w.Header()
	}
	if hw.header == nil {
		hw.header = http.Header{}
	}
	return hw.header
}

func (hw *hijackWriter) Write(b []byte) (int, error) {
	if w := hw.inner(); w != nil {
		return w.Write(b)
	}
	return 0, http.ErrHijacked
}

func (hw *hijackWriter) WriteHeader(code int) {
	if w := hw.inner(); w != nil {
		w.WriteHeader(code)
	}
}

// Flush flushes the response while there is one.
func (hw *hijackWriter) Flush() {
	if w := hw.inner(); w != nil {
		_ = http.NewResponseController(w).Flush()
	}
}

// Hijack hands the connection over and forgets the ResponseWriter.
func (hw *hijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w := hw.inner()
	if w == nil {
		return nil, nil, http.ErrHijacked
	}
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err == nil {
		hw.mu.Lock()
		hw.w = nil
		hw.mu.Unlock()
	}
	return conn, brw, err
}
