// Package reference is the reference server of the UTalk realtime contract: a
// Socket.IO server (github.com/zishang520/socket.io/servers/socket/v3) that speaks
// every event of the contract loaded by package spec, with the contract's checks in
// the contract's order, plus the optional HTTP control surface
// (spec/utalk-control.openapi.yaml), GET /health/socket and GET /metrics on the same
// listener.
//
// Behaviour comes from the contract: event names are looked up by role, payloads are
// validated against its schemas, limits and error codes are its own, so a server
// started with a variant contract (renamed events) speaks that variant. The choices
// the source document leaves open are those of spec/DECISIONS.md.
//
// Without Redis settings everything lives in memory (package reference/store); with
// them, broadcasts cross instances through the Redis adapter and the state is shared.
//
//	srv, err := reference.New(reference.Config{JWTSecret: "dev-secret", Addr: "127.0.0.1:0"})
//	if err != nil {
//		log.Fatal(err) // e.g. reference.ErrMissingJWTSecret
//	}
//	addr, err := srv.Start(ctx) // "127.0.0.1:41234"
//	...
//	defer srv.Shutdown(context.Background())
//
// Or from the environment, as `rtconform serve` does:
//
//	cfg, err := reference.ConfigFromEnv(os.Getenv, os.Args[2:]) // PORT, JWT_SECRET, ...
//
// Retention: each conversation keeps its newest Config.Retention messages (default
// limits.maxMessagesPerRoom, 1000) for sync:state; older ones are reported as gaps.
// Dedup keys live limits.dedupTtlSeconds (24 h). Memory per conversation is therefore
// bounded, and a long soak stays flat once the dedup window is full.
//
// Profiling: --pprof (Config.Pprof) serves net/http/pprof under /debug/pprof/ on
// the same listener, off by default; `go run ./cmd/rtbench --profile DIR` takes the
// benchmark's profiles through it. `rtconform serve` sets the Go GC target to
// DefaultServeGCPercent (--gc-percent; GOGC wins when set): bench/README.md has the
// figures, profiles and what of the cost is the library's.
//
// Negative controls (Config.Mutations) exist for the conformance suite's self-test
// only: New refuses them unless the binary is built with -tags negativecontrols.
//
// Tests run over real sockets. REFERENCE_STORE=redis runs the same suite on the Redis
// stores (a real Redis from internal/redistest); the multi-instance and outage tests
// always use one, and skip (fail in CI) when none can be had. REFERENCE_LOG=1 prints
// the servers' logs. FuzzDispatch fuzzes the decode-validate-dispatch path:
//
//	go test ./reference -run '^$' -fuzz FuzzDispatch -fuzztime 60s
package reference
