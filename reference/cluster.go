package reference

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"

	"github.com/zishang520/socket.io/servers/socket/v3"

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

// ErrRedisUnsupported is returned by New when Redis is configured but this build
// has no Redis integration linked in.
var ErrRedisUnsupported = errors.New("redis is configured but the Redis integration is not available in this build")

// connectCluster is replaced by cluster_redis.go when the Redis integration is
// linked in.
var connectCluster = func(context.Context, *Server) (cluster, error) {
	return nil, ErrRedisUnsupported
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
