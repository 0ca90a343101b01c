package loadgen

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/utalk/rtconform/loadgen/metrics"
	"github.com/utalk/rtconform/loadgen/results"
	"github.com/utalk/rtconform/loadgen/scenario"
	"github.com/utalk/rtconform/loadgen/threshold"
)

// ErrUnreachable is wrapped when no user could connect to the target.
var ErrUnreachable = errors.New("target unreachable")

// Result is what a run produced.
type Result struct {
	Dir        string
	Settings   results.Settings
	Final      results.Final
	Thresholds []threshold.Result
	// Breached are the failed, non-informational thresholds.
	Breached []threshold.Result
}

// Run runs the scenario and writes its results stream under cfg.OutDir.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	sc := cfg.Scenario
	sc.Defaults(cfg.Contract)
	rates, err := sc.Check(cfg.Contract)
	if err != nil {
		return nil, err
	}
	set, err := threshold.FromContract(cfg.Contract.Thresholds, overrides(sc.Thresholds))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	e := &engine{cfg: cfg, sc: sc, c: cfg.Contract, ev: resolve(cfg.Contract, sc.Mix),
		rec: metrics.NewRecorder(cfg.KeepSamples), fan: newFanout(),
		http: &http.Client{}, timeout: sc.ReplyTimeout.D(), ctx: ctx,
		runTag: tag(cfg.RunID), rng: rand.New(rand.NewPCG(uint64(sc.Seed), uint64(cfg.Shard.Index))),
		rr: map[string]*atomic.Uint64{}, ended: make(chan struct{})}
	if e.ev.send == nil || e.ev.send.IdempotencyKey == "" || e.ev.send.Access == nil {
		return nil, fmt.Errorf("%w: the contract has no send-message event with an idempotency key and access field", ErrConfig)
	}
	e.idTag = fmt.Sprintf("s%d-%08x", cfg.Shard.Index, rand.Uint32())
	for a := range sc.Mix {
		e.rr[a] = &atomic.Uint64{}
	}
	e.phase.Store("connect")
	e.rate.Store(0.0)
	e.convs, e.users = population(sc, e.runTag, cfg.Shard)
	for _, v := range e.users {
		v.e, v.pending, v.expired = e, map[string][]*request{}, map[string]int{}
		if v.sends {
			e.senders = append(e.senders, v)
		}
	}
	settings := e.settings(rates, set)
	settings.Limits.Health, settings.Limits.TargetRaised, err = e.health(ctx)
	if err != nil {
		settings.Limits.HealthError = err.Error()
	}
	w, err := results.Create(cfg.OutDir, settings)
	if err != nil {
		return nil, err
	}
	if err := e.mintTokens(ctx); err != nil {
		return nil, err
	}
	return e.run(ctx, w, settings, set)
}

func (e *engine) run(ctx context.Context, w *results.Writer, settings results.Settings, set threshold.Set) (*Result, error) {
	start := time.Now()
	ivCtx, stopIv := context.WithCancel(context.Background())
	ivDone := make(chan struct{})
	go e.intervals(ivCtx, w, start, ivDone)
	go e.sweeper(ivCtx)
	if e.sc.Memory.Every > 0 {
		go e.sampleRSS(ivCtx)
	}
	notes := append([]string(nil), e.cfg.Notes...)
	if e.sc.Users.CustomersPerConversation > 0 {
		if err := e.registerChannel(ctx); err != nil {
			notes = append(notes, "customer messages disabled: "+err.Error())
		}
	}
	e.connectAll(ctx)
	if e.rec.Connections() == 0 && len(e.users) > 0 {
		e.stopping.Store(true)
		close(e.ended)
		stopIv()
		<-ivDone
		return nil, fmt.Errorf("%w: none of %d users connected to %s", ErrUnreachable, len(e.users), e.cfg.Target)
	}
	e.rssFirst.Store(e.rssNow.Load())
	e.loadStart.Store(time.Now().UnixNano())
	scale := float64(len(e.convs)) / float64(max(1, e.sc.Users.Conversations))
	sched := newSchedule(e.sc.Phases, scale)
	phaseStart := time.Now()
	for _, te := range e.sc.Events {
		te := te
		t := time.AfterFunc(te.At.D(), func() {
			if err := e.drop(ctx); err != nil {
				e.rec.ErrorCode("CONTROL_FAILED")
			}
		})
		defer t.Stop()
	}
	if e.sc.Model.Kind == "closed" {
		e.closed(ctx, sched, phaseStart)
	} else {
		e.open(ctx, sched, phaseStart)
	}
	e.ops.Wait()
	e.phase.Store("drain")
	e.rate.Store(0.0)
	deadline := time.Now().Add(e.sc.Drain.D())
	for time.Now().Before(deadline) && (e.pending() > 0 || e.fan.pending() > 0) {
		time.Sleep(20 * time.Millisecond)
	}
	pending, fanPending := e.pending(), e.fan.pending()
	e.sweep(time.Now(), true)
	e.stopping.Store(true)
	close(e.ended)
	for _, v := range e.users {
		v.close()
	}
	stopIv()
	<-ivDone
	return e.finish(w, settings, set, start, pending, fanPending, ctx.Err() != nil, notes)
}

// connectAll dials every user, spread evenly over connect.within.
func (e *engine) connectAll(ctx context.Context) {
	var wg sync.WaitGroup
	n := len(e.users)
	step := time.Duration(0)
	if n > 0 {
		step = e.sc.Connect.Within.D() / time.Duration(n)
	}
	t0 := time.Now()
	for k, v := range e.users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case <-time.After(time.Until(t0.Add(time.Duration(k) * step))):
			case <-ctx.Done():
				return
			}
			_ = v.connect(ctx, false)
		}()
	}
	wg.Wait()
}

// open starts operations at the schedule's rate, each timed from its intended start.
func (e *engine) open(ctx context.Context, sched *schedule, t0 time.Time) {
	p := newPicker(e.sc.Mix)
	var t time.Duration
	for {
		next, ok := sched.next(t)
		if !ok {
			return
		}
		t = next
		i, r := sched.at(t)
		if i < 0 {
			return
		}
		e.phase.Store(e.sc.Phases[i].Name)
		e.rate.Store(r)
		intended := t0.Add(t)
		if d := time.Until(intended); d > 0 {
			select {
			case <-time.After(d):
			case <-ctx.Done():
				return
			}
		}
		action := p.next()
		v := e.pick(action)
		if v == nil {
			e.skipped.Add(1)
			continue
		}
		e.ops.Add(1)
		go func() {
			defer e.ops.Done()
			e.do(v, action, intended, false)
		}()
	}
}

// closed runs each active sender as a loop: act, wait for the answer, think.
func (e *engine) closed(ctx context.Context, sched *schedule, t0 time.Time) {
	end := t0.Add(sched.total)
	for k, v := range e.senders {
		e.ops.Add(1)
		go func() {
			defer e.ops.Done()
			think := time.NewTimer(time.Hour)
			defer think.Stop()
			p := newPicker(e.sc.Mix)
			for skip := k % len(p.names); skip > 0; skip-- {
				p.next() // users start at different points of the mix
			}
			for time.Now().Before(end) && ctx.Err() == nil {
				i, _ := sched.at(time.Since(t0))
				if i < 0 {
					return
				}
				ph := e.sc.Phases[i]
				if e.phase.Load() != ph.Name {
					e.phase.Store(ph.Name)
				}
				active := len(e.senders)
				if ph.Users > 0 {
					active = int(float64(ph.Users)*sched.scale + 0.5)
				}
				if k < active && v.live() {
					e.do(v, p.next(), time.Now(), true)
				}
				if d := e.sc.Model.ThinkTime.D(); d > 0 {
					think.Reset(d)
					select {
					case <-think.C:
					case <-ctx.Done():
					}
				}
			}
		}()
	}
}

func (e *engine) sweeper(ctx context.Context) {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			e.sweep(now, false)
		}
	}
}

func (e *engine) sampleRSS(ctx context.Context) {
	t := time.NewTicker(e.sc.Memory.Every.D())
	defer t.Stop()
	for {
		if v, err := e.rss(ctx); err == nil {
			e.rssNow.Store(v)
			e.rssMu.Lock()
			e.rssSamples = append(e.rssSamples, rssSample{at: time.Now(), bytes: v})
			e.rssMu.Unlock()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (e *engine) mintTokens(ctx context.Context) error {
	ttl := max(e.c.Handshake.TokenTTL(), e.sc.TotalDuration()+e.sc.Connect.Within.D()+e.sc.Drain.D()+5*time.Minute)
	for _, v := range e.users {
		cl := v.claims
		cl.TTL = ttl
		tok, err := e.cfg.Tokens.Token(ctx, cl)
		if err != nil {
			return fmt.Errorf("%w: token for %s: %v", ErrConfig, cl.Sub, err)
		}
		v.token = tok
	}
	return nil
}

// tag makes a run id usable inside conversation ids, user ids and messageIds.
func tag(runID string) string {
	var b strings.Builder
	for _, r := range runID {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	s := b.String()
	if len(s) > 40 {
		s = s[len(s)-40:]
	}
	return "L" + s
}

func overrides(m map[string]scenario.Exprs) map[string][]string {
	out := make(map[string][]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
