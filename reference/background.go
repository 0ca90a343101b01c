package reference

import (
	"time"

	"github.com/zishang520/socket.io/servers/socket/v3"
	"github.com/zishang520/socket.io/v3/pkg/types"

	"github.com/utalk/rtconform/spec"
)

type metricsSnapshot struct {
	ActiveConnections int     `json:"activeConnections" msgpack:"activeConnections"`
	ActiveRooms       int     `json:"activeRooms" msgpack:"activeRooms"`
	EventsPerSecond   float64 `json:"eventsPerSecond" msgpack:"eventsPerSecond"`
	ErrorsPerSecond   float64 `json:"errorsPerSecond" msgpack:"errorsPerSecond"`
	Redis             string  `json:"redis" msgpack:"redis"`
	Timestamp         string  `json:"timestamp" msgpack:"timestamp"`
}

// startBackground starts the presence heartbeat and the metrics:snapshot ticker;
// Shutdown stops them.
func (s *Server) startBackground() {
	if ttl := s.c.Limits.PresenceTTL(); ttl > 0 {
		s.every(ttl/3, s.heartbeat)
	}
	if e := s.c.ByRole(spec.MetricsSnapshot); e != nil && s.cfg.MetricsInterval > 0 {
		var lastEvents, lastErrors int64
		last := time.Now()
		s.every(s.cfg.MetricsInterval, func() {
			now := time.Now()
			secs := now.Sub(last).Seconds()
			ev, er := s.m.eventCount.Load(), s.m.errorCount.Load()
			snap := metricsSnapshot{ActiveConnections: s.localSockets(), ActiveRooms: s.activeRooms(),
				EventsPerSecond: rate(ev-lastEvents, secs), ErrorsPerSecond: rate(er-lastErrors, secs),
				Redis: s.redisStatus(), Timestamp: stamp(now)}
			lastEvents, lastErrors, last = ev, er, now
			// Local: every instance reports its own numbers to its own admins.
			for _, ns := range e.Namespaces {
				if nsp := s.nsps[ns]; nsp != nil {
					_ = nsp.Local().Emit(e.Name, snap)
				}
			}
		})
	}
}

func rate(n int64, secs float64) float64 {
	if secs <= 0 || n < 0 {
		return 0
	}
	return float64(n) / secs
}

// every runs fn every d until Shutdown.
func (s *Server) every(d time.Duration, fn func()) {
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-s.ctx.Done():
				return
			case <-t.C:
				fn()
			}
		}
	}()
}

// activeRooms counts this instance's distinct rooms other than the sockets' own.
func (s *Server) activeRooms() int {
	seen := map[socket.Room]bool{}
	for _, nsp := range s.nsps {
		a := nsp.Adapter()
		a.Rooms().Range(func(room socket.Room, _ *types.Set[socket.SocketId]) bool {
			if _, own := a.Sids().Load(socket.SocketId(room)); !own {
				seen[room] = true
			}
			return true
		})
	}
	return len(seen)
}
