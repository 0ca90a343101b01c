package reference

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/zishang520/socket.io/servers/socket/v3"

	rcluster "github.com/utalk/rtconform/reference/cluster"
	"github.com/utalk/rtconform/reference/store"
)

// cluster is what the server needs of the Redis integration (package
// reference/cluster): the adapter for cross-instance broadcasts, the shared
// stores with their in-memory fallback, and its health.
type cluster interface {
	AdapterConstructor() socket.AdapterConstructor
	Stores(fallback store.Stores) store.Stores
	Health() (connected bool, status string)
	Close()
}

// connectCluster connects this instance to the configured Redis: the adapter for
// cross-instance broadcasts, shared stores with an in-memory fallback, health.
func connectCluster(ctx context.Context, s *Server) (cluster, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	cl, err := rcluster.Connect(ctx, rcluster.Options{Addr: s.cfg.Redis.Addr(), Password: s.cfg.Redis.Password,
		Prefix: s.cfg.Redis.Prefix, Instance: s.cfg.Instance, Logger: s.log, OpTimeout: s.cfg.Redis.OpTimeout,
		PresenceTTL: s.c.Limits.PresenceTTL()})
	if err != nil {
		return nil, fmt.Errorf("redis %s: %w", s.cfg.Redis.Addr(), err)
	}
	cl.OnHealthChange(func(connected bool, status string) {
		s.log.Info("redis health", "connected", connected, "status", status)
	})
	return cl, nil
}

// redisStatus is "disabled", "ok" or "degraded".
func (s *Server) redisStatus() string {
	if s.cluster == nil {
		return "disabled"
	}
	_, status := s.cluster.Health()
	return status
}

func (s *Server) redisConnected() bool {
	if s.cluster == nil {
		return false
	}
	ok, _ := s.cluster.Health()
	return ok
}

// RedisFromAddr returns the Redis settings for a host:port address.
func RedisFromAddr(addr, password, prefix string) (Redis, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return Redis{}, fmt.Errorf("%w: redis address %q: %w", ErrInvalidConfig, addr, err)
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		return Redis{}, fmt.Errorf("%w: redis port %q", ErrInvalidConfig, p)
	}
	return Redis{Host: host, Port: port, Password: password, Prefix: prefix}, nil
}
