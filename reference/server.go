package reference

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zishang520/socket.io/servers/socket/v3"

	"github.com/utalk/rtconform/reference/store"
	"github.com/utalk/rtconform/spec"
)

// Errors of the server's life cycle.
var (
	ErrStarted    = errors.New("server already started")
	ErrNotStarted = errors.New("server not started")
)

// Server is a reference implementation of the contract: a Socket.IO server with the
// contract's namespaces, events and checks, and the HTTP control surface, health
// and metrics beside it on the same listener.
type Server struct {
	cfg   Config
	c     *spec.Contract
	log   *slog.Logger
	st    store.Stores
	mut   mutationSet
	rooms rooms
	auth  *verifier
	m     *metrics

	io       *socket.Server
	engine   http.Handler
	nsps     map[string]socket.Namespace
	handler  http.Handler
	handlers map[spec.Role]func(*request)
	fast     map[spec.Role]fastCheck // schema shortcuts in force (fastcheck.go)
	// memStores: the stores are the built-in memory ones (no Redis, none given).
	memStores bool

	channels *channelMap
	media    *mediaStore
	timers   *timerSet
	convMu   stripedMutex
	sessions sync.Map // socket.SocketId -> *session
	gates    sync.Map // engine connection id -> *connectGate
	cluster  cluster  // nil when in memory

	started time.Time
	ctx     context.Context // cancelled by Shutdown
	cancel  context.CancelFunc
	bg      sync.WaitGroup
	httpSrv *http.Server
	// endRequests cancels the context of every HTTP request still in flight
	// (Shutdown, after requestGrace).
	endRequests context.CancelFunc
	running     atomic.Bool
	draining    atomic.Bool
	panics      atomic.Int64 // handler panics recovered (the fuzz tests watch it)
}

// New validates cfg and builds a server; Start serves it on cfg.Addr, or mount
// Handler on a listener of your own.
func New(cfg Config) (*Server, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		cfg: cfg, c: cfg.Contract, log: log.With("instance", cfg.Instance),
		mut: newMutationSet(cfg.Mutations), m: newMetrics(),
		channels: newChannelMap(cfg.Channels), media: newMediaStore(256 << 20),
		timers: newTimerSet(), started: time.Now(), ctx: ctx, cancel: cancel,
	}
	s.auth = newVerifier(cfg.JWTSecret, s.mut.on(MutationAcceptExpired))
	s.rooms = rooms{templates: s.c.Rooms, leak: s.mut.on(MutationTenantLeak)}
	s.st = cfg.Stores
	if cfg.Redis.Host != "" {
		cl, err := connectCluster(ctx, s)
		if err != nil {
			cancel()
			return nil, err
		}
		s.cluster = cl
	}
	if s.st.Conversations == nil {
		s.st = store.NewMemory()
		if s.cluster != nil {
			s.st = s.cluster.Stores(s.st)
		}
		s.memStores = s.cluster == nil
	}
	if err := checkStores(s.st); err != nil {
		cancel()
		return nil, err
	}
	s.handlers = s.eventHandlers()
	s.fast = fastChecks(s.c)
	s.setupSocketIO()
	s.setupClusterOps()
	s.handler = s.routes()
	s.startBackground()
	return s, nil
}

func checkStores(st store.Stores) error {
	if st.Conversations == nil || st.Messages == nil || st.Presence == nil || st.Expulsions == nil {
		return fmt.Errorf("%w: Stores must set all four stores", ErrInvalidConfig)
	}
	return nil
}

// Handler returns the whole HTTP surface: Socket.IO under the contract's path, the
// control surface, /health/socket and /metrics.
func (s *Server) Handler() http.Handler { return s.handler }

// Contract returns the contract the server speaks.
func (s *Server) Contract() *spec.Contract { return s.c }

// Start listens on the configured address and serves in the background. It returns
// the bound host:port (useful with ":0").
func (s *Server) Start(ctx context.Context) (string, error) {
	if !s.running.CompareAndSwap(false, true) {
		return "", ErrStarted
	}
	if s.cfg.GCPercent > 0 {
		debug.SetGCPercent(s.cfg.GCPercent)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		s.running.Store(false)
		return "", fmt.Errorf("listen %s: %w", s.cfg.Addr, err)
	}
	base, endRequests := context.WithCancel(context.Background())
	s.endRequests = endRequests
	s.httpSrv = &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:    slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext: func(net.Listener) context.Context { return base }}
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		if err := s.httpSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("http server stopped", "err", err)
		}
	}()
	addr := ln.Addr().String()
	s.log.Info("reference server listening", "addr", addr, "contract", s.c.Title+" "+s.c.Version,
		"redis", s.cfg.Redis.Addr(), "pingInterval", s.cfg.PingInterval, "rateLimitScale", s.cfg.RateLimitScale,
		"noRateLimits", s.cfg.NoRateLimits, "gcPercent", s.cfg.GCPercent)
	return addr, nil
}

// requestGrace is how long Shutdown lets HTTP requests finish once every
// connection is closed, before it cancels their contexts.
const requestGrace = time.Second

// Shutdown stops the server gracefully: new connections are refused, every
// connection's queued packets are flushed before its transport is closed (clients
// see "transport close" and may reconnect elsewhere), timers stop, and the stores
// and Redis are released. It returns when all of that is done or ctx expires.
func (s *Server) Shutdown(ctx context.Context) error {
	if !s.draining.CompareAndSwap(false, true) {
		return nil
	}
	s.cancel()
	s.timers.stopAll()
	s.closeConnections(ctx)
	done := make(chan struct{})
	s.io.Close(func(error) { close(done) })
	select {
	case <-done:
	case <-ctx.Done():
	}
	var errs []error
	if s.httpSrv != nil {
		// Requests still running requestGrace after the engine closed are ended:
		// the engine can leave a long-poll of a session it already closed waiting
		// for a response that never comes (seen with the official Node client
		// refused on a namespace over polling), and http.Server.Shutdown would
		// wait for it until ctx expires.
		end := time.AfterFunc(requestGrace, func() {
			s.log.Warn("shutdown: ending the HTTP requests still in flight", "grace", requestGrace)
			s.endRequests()
		})
		err := s.httpSrv.Shutdown(ctx)
		end.Stop()
		s.endRequests()
		if err != nil {
			errs = append(errs, fmt.Errorf("http shutdown: %w", err))
		}
	}
	s.bg.Wait()
	if s.cluster != nil {
		s.cluster.Close()
	}
	if s.st.Close != nil {
		if err := s.st.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close stores: %w", err))
		}
	}
	s.log.Info("reference server stopped")
	return errors.Join(errs...)
}

// closeConnections flushes and closes every connection, waiting until they are
// gone or ctx expires.
func (s *Server) closeConnections(ctx context.Context) {
	s.sessions.Range(func(_, v any) bool {
		v.(*session).sock.Conn().Close(false)
		return true
	})
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for s.localSockets() > 0 {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// localSockets counts this instance's connected sockets.
func (s *Server) localSockets() int {
	n := 0
	s.sessions.Range(func(_, _ any) bool { n++; return true })
	return n
}

// storeCtx bounds one store call chain. The built-in memory stores never wait, so
// with them it is the server's own context: no timer and no context allocated
// for each event.
func (s *Server) storeCtx() (context.Context, context.CancelFunc) {
	if s.memStores {
		return s.ctx, noCancel
	}
	return context.WithTimeout(s.ctx, 3*time.Second)
}

func noCancel() {}
