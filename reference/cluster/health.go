package cluster

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Health statuses, as GET /health/socket reports redis.status.
const (
	StatusOK       = "ok"
	StatusDegraded = "degraded"
)

// health is the circuit in front of Redis. link is up while Redis answers
// PING: broadcasts are published. shared is up once the writes accepted
// while standalone are written back: the stores use Redis. Both are read on
// every call without a lock.
type health struct {
	c      *Cluster
	link   atomic.Bool
	shared atomic.Bool

	mu        sync.Mutex
	listeners []func(connected bool, status string)
	changed   chan struct{}
}

func (h *health) init(c *Cluster) {
	h.c = c
	h.changed = make(chan struct{}, 1)
	h.link.Store(true)
	h.shared.Store(true)
}

// up reports whether the stores may use Redis.
func (h *health) up() bool { return h.link.Load() && h.shared.Load() }

// set moves both flags to up and logs and signals a change.
func (h *health) set(up bool, reason string) {
	link, shared := h.link.Swap(up), h.shared.Swap(up)
	if link != up || shared != up {
		h.signal()
		h.logChange(reason)
	}
}

// setLink changes only the link flag (PING answered, write-back pending).
func (h *health) setLink(up bool, reason string) {
	if h.link.Swap(up) != up {
		h.signal()
		h.logChange(reason)
	}
}

func (h *health) signal() {
	select {
	case h.changed <- struct{}{}:
	default: // a notification is already pending; it reads the latest state
	}
}

func (h *health) logChange(reason string) {
	connected, status := h.state()
	h.c.log.Warn("redis health changed", "connected", connected, "status", status, "reason", reason)
}

func (h *health) state() (bool, string) {
	if h.up() {
		return true, StatusOK
	}
	return h.link.Load(), StatusDegraded
}

// notifyLoop calls the listeners, in order, after each change; changes in
// quick succession are reported once, with the latest state.
func (h *health) notifyLoop() {
	defer h.c.wg.Done()
	last, lastStatus := true, StatusOK
	for {
		select {
		case <-h.c.ctx.Done():
			return
		case <-h.changed:
		}
		connected, status := h.state()
		if connected == last && status == lastStatus {
			continue
		}
		last, lastStatus = connected, status
		h.mu.Lock()
		ls := append([]func(bool, string){}, h.listeners...)
		h.mu.Unlock()
		for _, fn := range ls {
			fn(connected, status)
		}
	}
}

// Health reports whether Redis answers and the status for the health
// endpoint: StatusOK, or StatusDegraded while Redis is unreachable or the
// writes accepted meanwhile are still being written back.
func (c *Cluster) Health() (connected bool, status string) { return c.health.state() }

// OnHealthChange registers fn to be called after each change of Health, from
// one goroutine, in order; quick successive changes may be reported once
// with the latest state. fn must not block for long.
func (c *Cluster) OnHealthChange(fn func(connected bool, status string)) {
	c.health.mu.Lock()
	defer c.health.mu.Unlock()
	c.health.listeners = append(c.health.listeners, fn)
}

// markDown opens the circuit after a failed Redis call: the stores serve
// from their fallback and broadcasts to other instances are dropped until
// the health loop sees Redis answer again.
func (c *Cluster) markDown(err error) {
	if c.health.link.Load() || c.health.shared.Load() {
		c.stats.trips.Add(1)
		c.health.set(false, err.Error())
	}
}

// healthLoop pings Redis every HealthInterval; after a recovery it writes
// back what was accepted while standalone, then closes the circuit.
func (c *Cluster) healthLoop() {
	defer c.wg.Done()
	t := time.NewTicker(c.opts.HealthInterval)
	defer t.Stop()
	misses := 0
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-t.C:
		}
		if err := c.ping(); err != nil {
			// Two failed PINGs in a row open the circuit: one late PONG on a
			// loaded machine is not an outage.
			misses++
			if c.ctx.Err() == nil && (misses >= 2 || !c.health.link.Load()) {
				c.markDown(err)
			}
			continue
		}
		misses = 0
		c.health.setLink(true, "ping answered")
		if err := c.writeBack(); err != nil {
			c.log.Warn("write-back paused", "err", err)
			continue
		}
		if !c.health.shared.Load() {
			c.health.shared.Store(true)
			c.health.signal()
			c.health.logChange("written back")
		}
	}
}

// ping asks Redis for a PONG within OpTimeout. While the link is down it
// probes with a throw-away client: go-redis counts failed dials per pool and,
// past PoolSize of them, answers from the last error for a second at a time
// without dialing, which would delay noticing a Redis that is back.
func (c *Cluster) ping() error {
	ctx, cancel := context.WithTimeout(c.ctx, c.opts.OpTimeout)
	defer cancel()
	if c.health.link.Load() {
		return c.data.Ping(ctx).Err()
	}
	o := c.redisOptions(0)
	o.PoolSize = 1
	probe := redis.NewClient(o)
	defer probe.Close()
	return probe.Ping(ctx).Err()
}
