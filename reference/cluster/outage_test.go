package cluster_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/utalk/rtconform/internal/redistest"
)

// localBudget is the most a local delivery may take during an outage.
const localBudget = 200 * time.Millisecond

// recoverBudget is how soon after Redis returns cross-instance delivery must resume.
const recoverBudget = 2 * time.Second

type fault struct {
	name     string
	inject   func(*redistest.Redis, context.Context) error
	recover  func(*redistest.Redis, context.Context) error
	degrades bool
}

var faults = []fault{
	{"pause", (*redistest.Redis).Pause, (*redistest.Redis).Unpause, true},
	{"stop", (*redistest.Redis).Stop, (*redistest.Redis).Start, true},
	{"kill pubsub", func(r *redistest.Redis, ctx context.Context) error {
		_, err := r.KillPubSub(ctx)
		return err
	}, nil, false},
}

func TestOutage(t *testing.T) {
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) { testOutage(t, f) })
	}
}

func testOutage(t *testing.T, f fault) {
	r := redistest.New(t)
	a, b, ra, rb := pair(t, r)
	if err := f.inject(r, ctx(t)); err != nil {
		t.Fatal(err)
	}
	n := 100
	worst := localDeliveries(t, a, ra, &n, 10)
	if f.degrades {
		a.waitHealth(t, "degraded", 3*time.Second)
		b.waitHealth(t, "degraded", 3*time.Second)
		if connected, _ := a.cl.Health(); connected {
			t.Error("Health says connected while Redis is down")
		}
		worst = max(worst, localDeliveries(t, a, ra, &n, 10))
	}
	t.Logf("%s: slowest local delivery %v", f.name, worst)
	if worst > localBudget {
		t.Errorf("local delivery took %v during the outage, want < %v", worst, localBudget)
	}
	if f.name == "stop" {
		idleWhileDown(t, a, b)
	}
	if f.recover != nil {
		if err := f.recover(r, ctx(t)); err != nil {
			t.Fatal(err)
		}
	}
	// Measured one after the other: b->a resumed at most d1+d2 after recovery.
	d1 := crossed(t, a, rb, 10_000, 3*recoverBudget)
	d2 := crossed(t, b, ra, 20_000, 3*recoverBudget)
	t.Logf("%s: cross-instance delivery back after a->b %v, b->a at most %v", f.name, d1, d1+d2)
	if d1+d2 > recoverBudget {
		t.Errorf("cross-instance delivery resumed after a->b %v, b->a at most %v; want < %v", d1, d1+d2, recoverBudget)
	}
	if f.degrades {
		a.waitHealth(t, "ok", 3*time.Second)
		b.waitHealth(t, "ok", 3*time.Second)
	}
	// Everything still crosses exactly once.
	for i := 30_000; i < 30_010; i++ {
		a.broadcast(t, i)
	}
	for i := 30_000; i < 30_010; i++ {
		rb.expect(t, i, waitFor)
		ra.expect(t, i, waitFor)
	}
	if d := ra.dups.Load() + rb.dups.Load(); d != 0 {
		t.Errorf("%d events delivered twice: on a %v, on b %v", d, ra.dupList, rb.dupList)
	}
}

// localDeliveries broadcasts count events from in, one every 20 ms, and
// returns the slowest time from Emit to arrival at the local receiver.
func localDeliveries(t *testing.T, in *instance, rc *receiver, n *int, count int) time.Duration {
	t.Helper()
	var worst time.Duration
	for range count {
		*n++
		start := time.Now()
		in.broadcast(t, *n)
		at := rc.expect(t, *n, 2*time.Second)
		worst = max(worst, at.Sub(start))
		<-time.After(20 * time.Millisecond)
	}
	return worst
}

// idleWhileDown watches a window while Redis is stopped: the reconnect loops
// back off instead of spinning (the facts note measured 33,000 errors/s and a
// full core without the backoff).
func idleWhileDown(t *testing.T, insts ...*instance) {
	t.Helper()
	const window = 2 * time.Second
	errs0, dials0, logs0 := 0, 0, 0
	for _, in := range insts {
		s := in.cl.Stats()
		errs0 += int(s.AdapterErrors)
		dials0 += int(s.DialFailures)
		logs0 += in.logs.count()
	}
	cpu0 := cpuTime(t)
	<-time.After(window) // a measurement window, not a wait for an event
	cpu := cpuTime(t) - cpu0
	errs, dials, logs := -errs0, -dials0, -logs0
	for _, in := range insts {
		s := in.cl.Stats()
		errs += int(s.AdapterErrors)
		dials += int(s.DialFailures)
		logs += in.logs.count()
	}
	t.Logf("while stopped, %v: %d adapter errors, %d failed dials, %d log lines, %v CPU for %d instances",
		window, errs, dials, logs, cpu, len(insts))
	if errs > 100*len(insts) || dials > 200*len(insts) {
		t.Errorf("%d errors, %d failed dials in %v while Redis is stopped: the reconnect loops spin", errs, dials, window)
	}
	if logs > 5*len(insts) {
		t.Errorf("%d log lines in %v while Redis is stopped, want a few", logs, window)
	}
	if cpu > window/2 {
		t.Errorf("process used %v CPU in %v while Redis is stopped", cpu, window)
	}
}

func cpuTime(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
