package cluster

import "sync/atomic"

// counters are the Cluster's running totals; see Stats.
type counters struct {
	dialFailures     atomic.Int64
	adapterErrors    atomic.Int64
	published        atomic.Int64
	publishErrors    atomic.Int64
	publishDropped   atomic.Int64
	trips            atomic.Int64
	fallbacks        atomic.Int64
	slowCalls        atomic.Int64
	writeBackDropped atomic.Int64
}

// Stats are running totals of a Cluster, for metrics and tests.
type Stats struct {
	// DialFailures counts failed dials to Redis (both clients).
	DialFailures int64
	// AdapterErrors counts the errors the Socket.IO adapter reported
	// (receive-loop failures while Redis is down, mostly).
	AdapterErrors int64
	// Published counts broadcasts published to other instances.
	Published int64
	// PublishErrors counts publishes Redis did not take.
	PublishErrors int64
	// PublishDropped counts broadcasts to other instances dropped while
	// Redis was unreachable or the publish queue was full.
	PublishDropped int64
	// Trips counts the times the circuit opened.
	Trips int64
	// Fallbacks counts store calls served by the fallback after a failed
	// Redis call (calls made while the circuit was open are not counted).
	Fallbacks int64
	// SlowCalls counts store calls that failed while a PING showed Redis
	// alive: they were answered with an error, not served standalone.
	SlowCalls int64
	// Pending counts standalone writes waiting to be written back.
	Pending int64
	// WriteBackDropped counts standalone writes Redis refused on write-back
	// (a conflict, a full room) or that the full journal dropped.
	WriteBackDropped int64
}

// Stats returns the running totals.
func (c *Cluster) Stats() Stats {
	s := Stats{
		DialFailures:     c.stats.dialFailures.Load(),
		AdapterErrors:    c.stats.adapterErrors.Load(),
		Published:        c.stats.published.Load(),
		PublishErrors:    c.stats.publishErrors.Load(),
		PublishDropped:   c.stats.publishDropped.Load(),
		Trips:            c.stats.trips.Load(),
		Fallbacks:        c.stats.fallbacks.Load(),
		SlowCalls:        c.stats.slowCalls.Load(),
		WriteBackDropped: c.stats.writeBackDropped.Load(),
	}
	c.mu.Lock()
	for _, f := range c.failovers {
		s.Pending += int64(f.j.len())
		f.j.mu.Lock()
		s.WriteBackDropped += f.j.dropped
		f.j.mu.Unlock()
	}
	c.mu.Unlock()
	return s
}
