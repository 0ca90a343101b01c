package redistest

import (
	"fmt"
	"os"
)

// Backend names how a Redis is run.
type Backend string

// The backends; Kind reports BackendContainer or BackendProcess.
const (
	// BackendAuto picks container when Docker answers and the image is
	// present locally, and process otherwise.
	BackendAuto Backend = "auto"
	// BackendContainer runs Redis in a Docker container with host networking.
	BackendContainer Backend = "container"
	// BackendProcess runs a redis-server binary as a child process.
	BackendProcess Backend = "process"
)

// Environment variables read by ConfigFromEnv.
const (
	// EnvBackend selects the backend: auto (default), container or process.
	EnvBackend = "REDISTEST_BACKEND"
	// EnvImage names the Docker image for the container backend.
	EnvImage = "REDIS_IMAGE"
	// EnvServer is the redis-server binary for the process backend.
	EnvServer = "REDIS_SERVER"
	// EnvDebug, when non-empty, sends testcontainers-go's log lines to stderr.
	EnvDebug = "REDISTEST_DEBUG"
)

// DefaultImage is the image built by deploy/redis-image/build.sh.
const DefaultImage = "utalk-redis:local"

// Config says how Start runs Redis. Use ConfigFromEnv, or fill it in and
// pass it to StartWith; empty fields take the defaults.
type Config struct {
	// Backend is auto, container or process; empty means auto.
	Backend Backend
	// Image is the Docker image for the container backend; empty means DefaultImage.
	Image string
	// Server is the redis-server binary for the process backend: a path or
	// a name looked up in PATH; empty means "redis-server".
	Server string
	// Debug sends testcontainers-go's log lines to stderr.
	Debug bool
}

// ConfigFromEnv reads REDISTEST_BACKEND, REDIS_IMAGE, REDIS_SERVER and
// REDISTEST_DEBUG and returns the validated Config.
func ConfigFromEnv() (Config, error) {
	cfg := Config{
		Backend: Backend(os.Getenv(EnvBackend)),
		Image:   os.Getenv(EnvImage),
		Server:  os.Getenv(EnvServer),
		Debug:   os.Getenv(EnvDebug) != "",
	}
	return cfg.withDefaults()
}

// withDefaults fills in empty fields and rejects an unknown backend.
func (c Config) withDefaults() (Config, error) {
	switch c.Backend {
	case "":
		c.Backend = BackendAuto
	case BackendAuto, BackendContainer, BackendProcess:
	default:
		return c, fmt.Errorf("redistest: %s=%q: want auto, container or process", EnvBackend, c.Backend)
	}
	if c.Image == "" {
		c.Image = DefaultImage
	}
	if c.Server == "" {
		c.Server = "redis-server"
	}
	return c, nil
}
