package reference

import (
	"net/http"
	"time"
)

// handleHealth is GET /health/socket: the document's fields plus the settings in
// force (so load reports can print them) and the contract served.
func (s *Server) handleHealth(w http.ResponseWriter, _ *http.Request) {
	status := "healthy"
	redis := s.redisStatus()
	if redis == "degraded" {
		status = "degraded"
	}
	limits := map[string]any{}
	for _, e := range s.c.Events {
		if e.IsClient() {
			limit, window := s.rateLimit(e)
			limits[e.Name] = map[string]any{"limit": limit, "windowMs": window.Milliseconds()}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"status":    status,
		"timestamp": stamp(time.Now()),
		"metrics": map[string]any{
			"activeConnections": s.localSockets(),
			"activeRooms":       s.activeRooms(),
			"uptime":            time.Since(s.started).Seconds(),
		},
		"redis":    map[string]any{"connected": s.redisConnected(), "status": redis},
		"instance": s.cfg.Instance,
		"contract": map[string]any{"title": s.c.Title, "version": s.c.Version, "hash": s.c.Hash},
		"settings": map[string]any{
			"pingIntervalMs":     s.cfg.PingInterval.Milliseconds(),
			"pingTimeoutMs":      s.cfg.PingTimeout.Milliseconds(),
			"rateLimits":         limits,
			"rateLimitScale":     s.cfg.RateLimitScale,
			"rateLimitsDisabled": s.cfg.NoRateLimits,
			"limitsRaised":       s.cfg.NoRateLimits || s.cfg.RateLimitScale != 1,
			"gcPercent":          s.cfg.GCPercent,
		},
	})
}
