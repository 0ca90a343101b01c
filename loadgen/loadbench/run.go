package loadbench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// Run runs the parts of the benchmark that o does not skip, in order: the acked
// comparison with Artillery, the added-latency check, the connection check. A part
// that fails is recorded in Result.Errors and the others still run.
func Run(ctx context.Context, o Options) (*Result, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	work := filepath.Join(o.OutDir, "work")
	if err := os.MkdirAll(work, 0o755); err != nil {
		return nil, err
	}
	raiseFileLimit()
	res := &Result{Started: time.Now().UTC(), Options: o, Contract: o.Contract.Hash}
	secret := randomHex(16)
	if o.runs("acked") {
		if res.Acked, err = runAcked(ctx, &o, secret, work, "closed", o.Think); err != nil {
			res.Errors = append(res.Errors, "acked: "+err.Error())
		}
	}
	if o.runs("paced") && ctx.Err() == nil {
		if res.Paced, err = runAcked(ctx, &o, secret, work, "paced", o.PacedThink); err != nil {
			res.Errors = append(res.Errors, "paced: "+err.Error())
		}
	}
	if o.runs("latency") && ctx.Err() == nil {
		if res.Latency, err = runLatency(ctx, &o, secret, work); err != nil {
			res.Errors = append(res.Errors, "latency: "+err.Error())
		}
	}
	if o.runs("connections") && ctx.Err() == nil {
		if res.Connections, err = runConnections(ctx, &o, secret, work); err != nil {
			res.Errors = append(res.Errors, "connections: "+err.Error())
		}
	}
	return res, ctx.Err()
}

// raiseFileLimit lifts the soft limit on open files to the hard one, for this
// process and the clients and servers it starts (thousands of sockets each).
func raiseFileLimit() {
	var l syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l) == nil && l.Cur < l.Max {
		l.Cur = l.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// checkFree fails when the machine's load is already high: figures taken while
// other work runs are noisy, so the report says how loaded the machine was.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return fmt.Sprintf("%.20s", b)
}
