package reference

import (
	"errors"
	"time"

	"github.com/zishang520/socket.io/servers/engine/v3"
	"github.com/zishang520/socket.io/servers/socket/v3"
	"github.com/zishang520/socket.io/v3/pkg/types"
)

// setupSocketIO builds the Socket.IO server from the contract's transport
// settings and the configuration, and wires the namespaces.
func (s *Server) setupSocketIO() {
	t := s.c.Transport
	opts := socket.DefaultServerOptions()
	opts.SetPath(t.Path)
	opts.SetServeClient(false)
	opts.SetPingInterval(s.cfg.PingInterval)
	opts.SetPingTimeout(s.cfg.PingTimeout)
	if d := t.UpgradeTimeout(); d > 0 {
		opts.SetUpgradeTimeout(d)
	}
	if t.MaxHTTPBufferSize > 0 {
		opts.SetMaxHttpBufferSize(t.MaxHTTPBufferSize)
	}
	opts.SetAllowUpgrades(t.AllowUpgrades)
	transports := types.NewSet[engine.TransportCtor]()
	for _, name := range t.Transports {
		switch name {
		case "polling":
			transports.Add(engine.Polling)
		case "websocket":
			transports.Add(engine.WebSocket)
		}
	}
	if transports.Len() > 0 {
		opts.SetTransports(transports)
	}
	opts.SetCors(s.cors())
	if ms := s.c.Handshake.AuthTimeoutMs; ms > 0 {
		opts.SetConnectTimeout(time.Duration(ms) * time.Millisecond)
	}
	opts.SetAllowRequest(func(*types.HttpContext) error {
		if s.draining.Load() {
			return errors.New("server shutting down")
		}
		return nil
	})
	if s.cluster != nil {
		opts.SetAdapter(s.cluster.AdapterConstructor())
	}
	s.io = socket.NewServer(nil, opts)
	s.engine = s.io.ServeHandler(nil)
	_ = s.io.Engine().On("connection", s.watchOutbound)

	s.nsps = map[string]socket.Namespace{}
	root := false
	for _, ns := range s.c.Namespaces {
		nsp := s.io.Of(ns.Path, nil)
		s.nsps[ns.Path] = nsp
		if ns.Path == "/" {
			root = true
		}
		if ns.Refuses {
			nsp.Use(s.refuseAll)
			continue
		}
		nsp.Use(s.authenticate(ns))
		_ = nsp.On("connection", s.onConnection)
	}
	if !root { // the main namespace never serves events (D7)
		s.io.Of("/", nil).Use(s.refuseAll)
	}
}

// cors is the CORS policy of the Socket.IO endpoint: the configured origins, with
// credentials.
func (s *Server) cors() *types.Cors {
	var origin any = s.cfg.CORSOrigins
	for _, o := range s.cfg.CORSOrigins {
		if o == "*" {
			origin = "*"
		}
	}
	return &types.Cors{Origin: origin, Credentials: true, Methods: []string{"GET", "POST", "OPTIONS"}}
}
