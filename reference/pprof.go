package reference

import (
	"net/http"
	"net/http/pprof"
)

// mountPprof serves net/http/pprof under /debug/pprof/ on the server's own
// listener (Config.Pprof, --pprof), so that profiles come from the real process
// under real traffic:
//
//	go tool pprof -seconds 10 http://127.0.0.1:3001/debug/pprof/profile
//	go tool pprof -sample_index inuse_space http://127.0.0.1:3001/debug/pprof/heap
//
// The routes exist only when enabled: a production-like server exposes nothing.
// The package's init also registers them on http.DefaultServeMux, which this
// server never serves.
func mountPprof(mux *http.ServeMux) {
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
}
