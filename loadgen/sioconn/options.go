package sioconn

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults applied by Dial to zero Options fields.
const (
	DefaultPath           = "/socket.io/"
	DefaultConnectTimeout = 20 * time.Second // as the JavaScript client's "timeout"
	DefaultMaxMessageSize = 16 << 20
)

// Handler receives the arguments of one event. It runs on the connection's
// read goroutine: args and the bytes they point to are valid only until it
// returns (copy what you keep), and while it runs no other frame of this
// connection is read, server pings included. Keep it short; hand slow work
// to another goroutine. It must not call EmitWithAck and wait, which would
// wait for a reply that only the read goroutine can read.
type Handler func(args []json.RawMessage)

// EventHandler receives events that have no Handler of their own; the same
// rules as for Handler apply. The name string may be shared across calls
// (it is interned per connection), never modified.
type EventHandler func(event string, args []json.RawMessage)

// Options configures Dial. Only URL is required.
type Options struct {
	// URL is the server's base URL: http, https, ws or wss. When Namespace
	// is empty, a path in URL names the namespace, as in the JavaScript
	// client's io("https://host/app").
	URL string
	// Path is the Engine.IO path, default DefaultPath.
	Path string
	// Namespace to connect to, default "/" (or the URL's path).
	Namespace string
	// Auth is sent in the namespace CONNECT packet: 40/app,{"token":"..."}.
	Auth map[string]any
	// Query holds extra query parameters for the websocket URL.
	Query url.Values
	// Header holds extra HTTP headers for the websocket handshake.
	Header http.Header
	// TLSConfig is used for https and wss URLs.
	TLSConfig *tls.Config
	// NetDialContext, if set, dials the TCP connection (for example to bind
	// a source address).
	NetDialContext func(ctx context.Context, network, addr string) (net.Conn, error)
	// ConnectTimeout bounds the whole Dial: TCP, TLS, websocket handshake,
	// Engine.IO open and namespace CONNECT. Default DefaultConnectTimeout.
	ConnectTimeout time.Duration
	// MaxMessageSize is the largest frame accepted from the server; a larger
	// one closes the connection. Default DefaultMaxMessageSize.
	MaxMessageSize int64
	// Handlers are registered before the first event is read, so events the
	// server sends on connect are not missed (Conn.On may be too late).
	Handlers map[string]Handler
	// ReadyEvent, if set, makes Dial wait after the CONNECT reply until the
	// server sends this event and its handler has returned. Use it with
	// servers that emit an event from their connection handler: the
	// zishang520 server (v3.0.6) writes the CONNECT reply before it registers
	// the socket, and force-closes a client whose first packet wins that race
	// ("invalid state (packet type: EVENT)"); its connection handler runs
	// after the registration.
	ReadyEvent string
	// OnEvent receives events that have no Handler.
	OnEvent EventHandler
	// OnError receives problems that do not close the connection, such as
	// ErrBinaryNotSupported. It runs on the read goroutine.
	OnError func(error)
}

// dialConfig is Options validated, defaulted and turned into wire values.
type dialConfig struct {
	Options
	wsURL      string
	connectPkt []byte // 40<nsp>,<auth>
}

// config validates o and applies defaults.
func (o Options) config() (*dialConfig, error) {
	if o.URL == "" {
		return nil, errors.New("sioconn: Options.URL is empty")
	}
	u, err := url.Parse(o.URL)
	if err != nil {
		return nil, fmt.Errorf("sioconn: Options.URL: %w", err)
	}
	switch u.Scheme {
	case "http", "ws":
		u.Scheme = "ws"
	case "https", "wss":
		u.Scheme = "wss"
	default:
		return nil, fmt.Errorf("sioconn: Options.URL: scheme %q is not http, https, ws or wss", u.Scheme)
	}
	if u.Host == "" {
		return nil, errors.New("sioconn: Options.URL has no host")
	}
	if o.Namespace == "" {
		o.Namespace = "/"
		if p := strings.TrimRight(u.Path, "/"); p != "" {
			o.Namespace = p
		}
	}
	if !strings.HasPrefix(o.Namespace, "/") || strings.ContainsAny(o.Namespace, ",") {
		return nil, fmt.Errorf("sioconn: Options.Namespace %q must start with / and hold no comma", o.Namespace)
	}
	if o.Path == "" {
		o.Path = DefaultPath
	}
	if !strings.HasPrefix(o.Path, "/") {
		o.Path = "/" + o.Path
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = DefaultConnectTimeout
	}
	if o.MaxMessageSize <= 0 {
		o.MaxMessageSize = DefaultMaxMessageSize
	}
	q := url.Values{}
	for k, vs := range o.Query {
		q[k] = append([]string(nil), vs...)
	}
	q.Set("EIO", "4")
	q.Set("transport", "websocket")
	u.Path, u.RawPath, u.RawQuery, u.Fragment = o.Path, "", q.Encode(), ""

	cfg := &dialConfig{Options: o, wsURL: u.String()}
	cfg.connectPkt = packetPrefix(socketConnect, o.Namespace)
	if o.Auth != nil {
		auth, err := json.Marshal(o.Auth)
		if err != nil {
			return nil, fmt.Errorf("sioconn: Options.Auth: %w", err)
		}
		cfg.connectPkt = append(cfg.connectPkt, auth...)
	}
	return cfg, nil
}
