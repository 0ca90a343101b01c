package conformance_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	. "github.com/utalk/rtconform/conformance"
	"github.com/utalk/rtconform/spec"
)

// recoveryBound is how soon cross-instance delivery must resume after Redis recovers
// (DECISIONS.md D11).
const recoveryBound = 2 * time.Second

// fanoutThreshold is the contract's fan-out latency threshold (p95), 200 ms unless
// the contract says otherwise.
func fanoutThreshold() (pct int, d time.Duration) {
	re := regexp.MustCompile(`^p\((\d+)\)<(\d+)(ms|s)$`)
	for _, t := range contract.Thresholds {
		if m := re.FindStringSubmatch(t.Expr); t.Metric == "fanout_latency" && m != nil {
			p, _ := strconv.Atoi(m[1])
			n, _ := strconv.Atoi(m[2])
			unit := time.Millisecond
			if m[3] == "s" {
				unit = time.Second
			}
			return p, time.Duration(n) * unit
		}
	}
	return 95, 200 * time.Millisecond
}

// percentile is the nearest-rank p-th percentile of ds.
func percentile(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (p*len(s)+99)/100 - 1
	return s[max(0, min(i, len(s)-1))]
}

// faulted returns a world on a target whose Redis the spec may fault: the external
// target behind REDIS_PROXY_LISTEN, or a fault cluster of the built-in target started
// for this spec alone. The fault is undone when the spec ends.
func faulted(ctx context.Context) (*World, *RedisFault) {
	GinkgoHelper()
	if target == nil {
		NewWorld() // skips as missing
	}
	require(spec.RequiresRedisFault)
	if target.RedisFault != nil {
		require(spec.RequiresMultiInstance)
		w := NewWorld()
		f := target.RedisFault
		DeferCleanup(func() { _ = f.Start(); _ = f.Recover() })
		return w, f
	}
	t, f, err := StartFaultCluster(ctx, target)
	Expect(err).NotTo(HaveOccurred(), "start a fault cluster")
	DeferCleanup(func(ctx SpecContext) { Expect(t.Stop(ctx)).To(Succeed()) })
	w := NewWorldFor(t, rec)
	DeferCleanup(w.Close)
	return w, f
}

// trio is a conversation with the sender a and a peer b on instance 0 and a peer c on
// instance 1.
type trio struct {
	*room
	c    *Client
	sent []string
}

func newTrio(ctx context.Context, w *World) *trio {
	GinkgoHelper()
	r := newRoom(ctx, w)
	t := &trio{room: r, c: connect(ctx, w, w.User("agent"), r.ns, OnInstance(1))}
	r.member(ctx, t.c)
	return t
}

// crossed sends probes from a every 100 ms until c receives one, and returns how long
// that took; it fails the spec after within.
func (t *trio) crossed(ctx context.Context, within time.Duration, what string) time.Duration {
	GinkgoHelper()
	start := time.Now()
	key := t.send.IdempotencyKey
	var probes []string
	for i := 0; ; i++ {
		p := t.w.Text(t.conv, fmt.Sprintf("probe %d", i))
		id := t.w.MessageID(p)
		t.sent = append(t.sent, id)
		probes = append(probes, id)
		accepted(ctx, t.a, t.send, p)
		deadline := time.Now().Add(100 * time.Millisecond)
		for time.Now().Before(deadline) {
			wait, cancel := context.WithDeadline(ctx, deadline)
			_, err := t.c.WaitFor(wait, spec.MessageNew, func(e Event) bool { return slices.Contains(probes, e.Field(key)) })
			cancel()
			if err == nil {
				return time.Since(start)
			}
		}
		Expect(time.Since(start)).To(BeNumerically("<", within), "%s: no message crossed to the other instance within %v", what, within)
	}
}

// sendLocal sends n messages from a, each answered (a send answered INTERNAL_ERROR is
// retried with the same key, as D14 lets a client do), and returns the fan-out latency
// of each to the local peer b.
func (t *trio) sendLocal(ctx context.Context, n int, label string) []time.Duration {
	GinkgoHelper()
	key := t.send.IdempotencyKey
	var lat []time.Duration
	for i := 0; i < n; i++ {
		p := t.w.Text(t.conv, fmt.Sprintf("%s %d", label, i))
		id := t.w.MessageID(p)
		t.sent = append(t.sent, id)
		t0 := time.Now()
		a := request(ctx, t.a, t.send, p)
		for tries := 1; a.IsError && a.Code() == spec.CodeInternalError && tries < 3; tries++ {
			rec.Note("%s answered INTERNAL_ERROR; retried with the same messageId (D14)", id)
			a = request(ctx, t.a, t.send, p)
		}
		Expect(a.IsError).To(BeFalse(), "a send during the fault was refused: %s", a)
		got := waitFor(ctx, t.b, spec.MessageNew, "local delivery during the fault", field(key, id))
		lat = append(lat, got.At.Sub(t0))
	}
	return lat
}

// once checks that neither b nor c received any message twice.
func (t *trio) once() {
	GinkgoHelper()
	key := t.send.IdempotencyKey
	for _, c := range []*Client{t.b, t.c} {
		seen := map[string]int{}
		for _, e := range c.Events(spec.MessageNew) {
			seen[e.Field(key)]++
		}
		for id, n := range seen {
			Expect(n).To(Equal(1), "%s received message %s %d times", c.Actor, id, n)
		}
	}
}

// redisStatus polls instance i's health until its redis.status is want, and fails
// the spec after within.
func redisStatus(ctx context.Context, w *World, i int, want string, within time.Duration) {
	GinkgoHelper()
	obs := w.Observer(i)
	var last any
	Eventually(func() string {
		resp, err := obs.Health(ctx)
		if err != nil || resp.JSON == nil {
			last = err
			return ""
		}
		last = resp.JSON
		r, _ := resp.JSON["redis"].(map[string]any)
		s, _ := r["status"].(string)
		return s
	}).WithContext(ctx).WithTimeout(within).WithPolling(100*time.Millisecond).Should(Equal(want),
		func() string { return fmt.Sprintf("instance %d health: %v", i, last) })
}

// recoverable checks that sync:state, asked on instance 1 after the recovery, returns
// every message a sent (D11: accepted while standalone, written back).
func (t *trio) recoverable(ctx context.Context) {
	GinkgoHelper()
	want := slices.Clone(t.sent)
	var missing []string
	// The write-back runs once Redis answers again; give it a few sync:state rounds.
	Eventually(func() []string {
		c := connect(ctx, t.w, t.c.User, t.ns, OnInstance(1))
		defer c.Close()
		s := catchUp(ctx, c, t.conv, 0, contract.Limits.SyncPageMax)
		got := s.ids(t.send.IdempotencyKey)
		missing = nil
		for _, id := range want {
			if !slices.Contains(got, id) {
				missing = append(missing, id)
			}
		}
		return missing
	}).WithContext(ctx).WithTimeout(4*time.Second).WithPolling(time.Second).Should(BeEmpty(),
		"messages accepted during the fault that sync:state does not return after the recovery")
}

// outage runs one Redis outage: fault, sends, recovery, and the checks of D11.
func outage(ctx context.Context, w *World, t *trio, fault, heal func() error, health bool) {
	GinkgoHelper()
	pct, threshold := fanoutThreshold()
	t.crossed(ctx, 3*time.Second, "before the fault")
	ok(fault(), "inject the fault")
	// Right after the fault: answered and delivered locally, whatever the server
	// knows yet.
	t.sendLocal(ctx, 3, "early")
	if health {
		redisStatus(ctx, w, 0, "degraded", 10*time.Second)
	}
	lat := t.sendLocal(ctx, 20, "standalone")
	Expect(percentile(lat, pct)).To(BeNumerically("<", threshold), "local fan-out p(%d) %v during the fault, over %v (all: %v)", pct, percentile(lat, pct), threshold, lat)
	ok(heal(), "end the fault")
	d := t.crossed(ctx, recoveryBound, "after the recovery")
	rec.Note("cross-instance delivery back %v after the recovery", d)
	if health {
		redisStatus(ctx, w, 0, "ok", 10*time.Second)
		redisStatus(ctx, w, 1, "ok", 10*time.Second)
	}
	t.barrier(ctx, t.a, t.b)
	t.barrier(ctx, t.a, t.c)
	t.once()
	t.recoverable(ctx)
}

var _ = Describe("adapter", Label("adapter"), Serial, func() {
	It("Redis paused: local delivery within the threshold, nothing twice, cross-instance back within 2 s", clause("adapter.redis-paused"), func(ctx SpecContext) {
		w, f := faulted(ctx)
		t := newTrio(ctx, w)
		outage(ctx, w, t, f.Pause, f.Recover, false)
	})

	It("Redis stopped: as paused, and health degraded then ok", clause("adapter.redis-stopped"), func(ctx SpecContext) {
		w, f := faulted(ctx)
		t := newTrio(ctx, w)
		outage(ctx, w, t, func() error { f.Stop(); return nil }, f.Start, true)
	})

	It("pub/sub connections killed: cross-instance delivery resumes by itself, nothing twice", clause("adapter.pubsub-killed"), func(ctx SpecContext) {
		w, f := faulted(ctx)
		t := newTrio(ctx, w)
		t.crossed(ctx, 3*time.Second, "before the kill")
		n, err := f.KillPubSub(ctx)
		ok(err, "CLIENT KILL TYPE pubsub")
		Expect(n).To(BeNumerically(">=", 1), "no pub/sub connection to kill: does the target use Redis pub/sub through the proxy?")
		d := t.crossed(ctx, recoveryBound, "after the kill")
		rec.Note("killed %d pub/sub connections; cross-instance delivery back after %v", n, d)
		t.barrier(ctx, t.a, t.c)
		t.once()
	})

	It("Redis latency: local delivery is not held behind Redis, everything arrives once", clause("adapter.latency"), func(ctx SpecContext) {
		w, f := faulted(ctx)
		t := newTrio(ctx, w)
		t.crossed(ctx, 3*time.Second, "before the latency")
		// Every Redis round trip now costs 2*added. A send waits for its store, and so
		// may the local delivery; a server that also publishes to Redis before it
		// delivers locally makes the local peer wait at least one more round trip
		// than the sender's reply.
		const added = 30 * time.Millisecond
		ok(f.Latency(added), "add latency")
		key := t.send.IdempotencyKey
		var held []time.Duration
		for i := 0; i < 6; i++ {
			p := w.Text(t.conv, fmt.Sprintf("slow redis %d", i))
			id := w.MessageID(p)
			t.sent = append(t.sent, id)
			a := accepted(ctx, t.a, t.send, p)
			got := waitFor(ctx, t.b, spec.MessageNew, "local delivery under latency", field(key, id))
			held = append(held, got.At.Sub(a.At))
		}
		for _, id := range t.sent {
			if _, err := t.c.WaitFor(ctx, spec.MessageNew, field(key, id)); err != nil {
				var health any
				if resp, herr := w.Observer(0).Health(ctx); herr == nil {
					health = resp.JSON["redis"]
				}
				Fail(fmt.Sprintf("message %s never crossed to the other instance with %v added to Redis (instance 0 redis health: %v)", id, added, health))
			}
		}
		ok(f.Recover(), "remove the latency")
		Expect(percentile(held, 50)).To(BeNumerically("<", added), "the local peer got its message:new a median %v after the sender's reply, with %v added to each Redis call (all: %v)", percentile(held, 50), added, held)
		t.once()
	})
})
