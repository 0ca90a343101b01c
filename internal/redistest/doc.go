// Package redistest runs a real, throw-away Redis for tests and injects
// faults into it: pause (a hung Redis), stop and start on the same port
// (a crashed and restarted Redis) and killing the pub/sub connections.
//
// Redis runs in one of two ways, picked by REDISTEST_BACKEND:
//
//   - container: a Docker container started through testcontainers-go from
//     the image in REDIS_IMAGE (default utalk-redis:local, built FROM
//     scratch by deploy/redis-image/build.sh), with host networking and
//     Redis bound to 127.0.0.1 on a free port;
//   - process: a redis-server binary from PATH (or REDIS_SERVER) started as
//     a child process on a free loopback port, killed on Close;
//   - auto (the default): container when Docker answers and the image is
//     present locally, otherwise process, otherwise container after one
//     pull of the image.
//
// When neither works, Start returns an error matching ErrUnavailable that
// says why; New skips the test on it, or fails it when CI=true.
//
// Set TESTCONTAINERS_RYUK_DISABLED=true where no registry is reachable, or
// testcontainers-go tries to pull its Ryuk image. Set REDISTEST_DEBUG=1 to
// see testcontainers-go's container log lines.
//
// Usage in a test:
//
//	func TestFanout(t *testing.T) {
//		r := redistest.New(t) // skipped when no Redis can be had, closed by t.Cleanup
//		rdb := redis.NewClient(&redis.Options{Addr: r.Addr()})
//		prefix := redistest.Prefix(t.Name())
//		// ... use keys and channels under prefix ...
//		if err := r.Pause(t.Context()); err != nil {
//			t.Fatal(err)
//		}
//		// ... Redis hangs: commands time out ...
//		if err := r.Unpause(t.Context()); err != nil {
//			t.Fatal(err)
//		}
//	}
//
// Outside package testing (a Ginkgo suite, a benchmark harness):
//
//	r, err := redistest.Start(ctx)
//	if errors.Is(err, redistest.ErrUnavailable) {
//		Skip(err.Error()) // "Missing: ..." in a report
//	}
//	DeferCleanup(r.Close)
package redistest
