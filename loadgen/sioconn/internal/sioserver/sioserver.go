// Package sioserver starts a zishang520 Socket.IO server on a loopback port
// with the handlers that the sioconn tests, benchmarks and load probes use.
//
// The same code runs in-process (tests) and in a separate process
// (../echoserver), so client CPU and RSS can be measured apart from the
// server's.
//
//	srv, err := sioserver.Start(sioserver.Config{PingInterval: time.Second})
//	if err != nil { ... }
//	defer srv.Close()
//	url := srv.URL() // http://127.0.0.1:PORT
package sioserver

import (
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	socket "github.com/zishang520/socket.io/servers/socket/v3"
	"github.com/zishang520/socket.io/v3/pkg/types"
)

// Namespace is the namespace with the auth middleware and test events.
const Namespace = "/app"

// Error codes that the auth middleware sends in connect_error data.
const (
	CodeAccessDenied = "ACCESS_DENIED"
	CodeTokenExpired = "TOKEN_EXPIRED"
)

// Tokens the auth middleware understands.
const (
	TokenValid   = "valid"
	TokenExpired = "expired"
)

// Event names the server handles on Namespace and on "/".
const (
	EventEcho       = "echo"        // acks with its own arguments
	EventPushMe     = "push-me"     // server emits EventPushed with the same arguments
	EventPushed     = "pushed"      // sent by the server
	EventWelcome    = "welcome"     // sent by the server right after connect on Namespace
	EventKickMe     = "kick-me"     // server calls Disconnect(false)
	EventKickHardMe = "kick-hard"   // server calls Disconnect(true)
	EventAskClient  = "ask-client"  // server emits EventQuestion with an ack request
	EventQuestion   = "question"    // sent by the server with an ack id
	EventAnswered   = "answered"    // sent by the server with the client's ack reply
	RawEchoPath     = "/raw-echo"   // plain websocket echo, for transport baselines
	DefaultPath     = "/socket.io/" // Socket.IO path
)

// Config is the server configuration; zero values keep the library defaults.
type Config struct {
	Addr         string // listen address, default 127.0.0.1:0
	PingInterval time.Duration
	PingTimeout  time.Duration
}

// Server is a running Socket.IO server.
type Server struct {
	io   *socket.Server
	http *http.Server
	ln   net.Listener
	wg   sync.WaitGroup
}

// Start listens and serves until Close.
func Start(cfg Config) (*Server, error) {
	addr := cfg.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	opts := socket.DefaultServerOptions()
	opts.SetTransports(types.NewSet(socket.WebSocket, socket.Polling))
	if cfg.PingInterval > 0 {
		opts.SetPingInterval(cfg.PingInterval)
	}
	if cfg.PingTimeout > 0 {
		opts.SetPingTimeout(cfg.PingTimeout)
	}
	io := socket.NewServer(nil, opts)
	register(io.Sockets(), false)
	app := io.Of(Namespace, nil)
	app.Use(authMiddleware)
	register(app, true)

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle(DefaultPath, io.ServeHandler(nil))
	mux.HandleFunc(RawEchoPath, rawEcho)
	s := &Server{io: io, ln: ln, http: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		_ = s.http.Serve(ln)
	}()
	return s, nil
}

// URL returns the http:// base URL of the server.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Addr returns the listen address.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops the server and its connections.
func (s *Server) Close() {
	s.io.Close(nil)
	_ = s.http.Close()
	s.wg.Wait()
}

func authMiddleware(s *socket.Socket, next func(*socket.ExtendedError)) {
	token, _ := s.Handshake().Auth["token"].(string)
	switch token {
	case TokenValid:
		next(nil)
	case TokenExpired:
		next(socket.NewExtendedError("token expired", map[string]any{"code": CodeTokenExpired, "retry": false}))
	default:
		next(socket.NewExtendedError("access denied", map[string]any{"code": CodeAccessDenied}))
	}
}

func register(nsp socket.Namespace, welcome bool) {
	_ = nsp.On("connection", func(clients ...any) {
		s := clients[0].(*socket.Socket)
		_ = s.On(EventEcho, func(args ...any) {
			if n := len(args); n > 0 {
				if ack, ok := args[n-1].(socket.Ack); ok {
					ack(args[:n-1], nil)
				}
			}
		})
		_ = s.On(EventPushMe, func(args ...any) {
			_ = s.Emit(EventPushed, dropAck(args)...)
		})
		_ = s.On(EventKickMe, func(...any) { s.Disconnect(false) })
		_ = s.On(EventKickHardMe, func(...any) { s.Disconnect(true) })
		_ = s.On(EventAskClient, func(args ...any) {
			s.Timeout(5*time.Second).EmitWithAck(EventQuestion, dropAck(args)...)(func(reply []any, err error) {
				if err != nil {
					_ = s.Emit(EventAnswered, "error: "+err.Error())
					return
				}
				_ = s.Emit(EventAnswered, reply...)
			})
		})
		if welcome {
			_ = s.Emit(EventWelcome, map[string]any{"id": string(s.Id())})
		}
	})
}

func dropAck(args []any) []any {
	if n := len(args); n > 0 {
		if _, ok := args[n-1].(socket.Ack); ok {
			return args[:n-1]
		}
	}
	return args
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// rawEcho echoes websocket text frames: a transport-only baseline.
func rawEcho(w http.ResponseWriter, r *http.Request) {
	c, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer c.Close()
	for {
		typ, b, err := c.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				_ = c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(ce.Code, ""), time.Now().Add(time.Second))
			}
			return
		}
		if err := c.WriteMessage(typ, b); err != nil {
			return
		}
	}
}
