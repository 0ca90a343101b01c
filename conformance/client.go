package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	client "github.com/zishang520/socket.io/clients/socket/v3"
	"github.com/zishang520/socket.io/v3/pkg/types"

	"github.com/utalk/rtconform/spec"
)

// Event is one event a client received.
type Event struct {
	At   time.Time
	Name string
	// Event is the catalogue entry, nil for a name the contract lacks.
	Event *spec.Event
	// Data is the first argument, decoded from JSON (map[string]any for an object).
	Data any
}

// Role returns the event's role, or "" for an unknown event.
func (e Event) Role() spec.Role {
	if e.Event == nil {
		return ""
	}
	return e.Event.Role
}

// Field returns the string field of an object payload, or "".
func (e Event) Field(name string) string { return str(e.Data, name) }

// Object returns the payload as an object, or nil.
func (e Event) Object() map[string]any { m, _ := e.Data.(map[string]any); return m }

// ConnectError is a refused handshake: connect_error with data {code, message}.
type ConnectError struct {
	Code    spec.Code
	Message string
	Data    any
}

func (e *ConnectError) Error() string {
	return fmt.Sprintf("connect_error %s: %s (data %v)", e.Code, e.Message, e.Data)
}

// ErrConnectTimeout is returned when neither connect nor connect_error arrives in time.
var ErrConnectTimeout = errors.New("no connect and no connect_error in time")

// ErrTransportLost is returned when the transport closed during the handshake.
var ErrTransportLost = errors.New("transport closed during the handshake")

// Client is one Socket.IO connection of a test user to a namespace. It records every
// event it receives, validates each payload against the contract, and writes both to the
// spec's Record.
type Client struct {
	w     *World
	User  User
	NS    string
	Actor string
	sock  *client.Socket

	mu          sync.Mutex
	events      []Event
	changed     chan struct{}
	connects    int
	disconnects []string
	closed      chan struct{}
	closeOnce   sync.Once
}

// DialOption changes how Dial connects.
type DialOption func(*dialSettings)

type dialSettings struct {
	token     *string
	instance  int
	reconnect bool
	base      string
}

// WithToken connects with tok instead of a freshly minted one ("" sends no auth at all).
func WithToken(tok string) DialOption { return func(d *dialSettings) { d.token = &tok } }

// OnInstance connects to instance i of the target.
func OnInstance(i int) DialOption { return func(d *dialSettings) { d.instance = i } }

// Via connects to base (http://host:port) instead of an instance of the target: a fault
// proxy in front of it.
func Via(base string) DialOption { return func(d *dialSettings) { d.base = base } }

// Reconnecting lets the client reconnect by itself after a transport close.
func Reconnecting() DialOption { return func(d *dialSettings) { d.reconnect = true } }

// Dial connects u to namespace ns and waits for connect or connect_error, once: a
// handshake that gets no answer is an error, never retried. A refusal is returned as
// *ConnectError. The client is closed when the spec ends.
//
// The Engine.IO connection is opened first and the namespace connected only once it is
// open. Socket.Connect of the zishang520 client (v3.0.6) sends CONNECT twice when the
// engine opens while it runs (once for the Manager's "open" event it has just
// subscribed to, once because it then sees the Manager open); the server answers the
// second with "invalid state" and closes the transport, or makes a second socket that
// receives every event again. With the Manager open before Socket.Connect, "open" has
// already fired and CONNECT goes out once; after a reconnect it goes out once per
// "open".
func (w *World) Dial(ctx context.Context, u User, ns string, opts ...DialOption) (*Client, error) {
	d := dialSettings{}
	for _, o := range opts {
		o(&d)
	}
	tok := ""
	if d.token != nil {
		tok = *d.token
	} else {
		var err error
		if tok, err = w.Token(ctx, u, w.T.Contract.Handshake.TokenTTL()); err != nil {
			return nil, err
		}
	}
	c := &Client{w: w, User: u, NS: ns, Actor: u.ID + "@" + ns, changed: make(chan struct{}), closed: make(chan struct{})}
	wait := w.WaitTimeout()
	o := client.DefaultOptions()
	o.SetTransports(types.NewSet(client.WebSocket))
	o.SetForceNew(true)
	o.SetMultiplex(false)
	o.SetAutoConnect(false)
	o.SetPath(w.T.SIOPath)
	o.SetReconnection(d.reconnect)
	o.SetReconnectionDelay(50)
	o.SetReconnectionDelayMax(300)
	o.SetRandomizationFactor(0)
	// The Manager timeout bounds each Engine.IO open, first and reconnects (facts note 8:
	// the default 20 s would make a reconnect to a dead server wait 20 s).
	o.SetTimeout(wait)
	if d.token == nil || tok != "" {
		o.SetAuth(map[string]any{w.T.Contract.Handshake.AuthField: tok})
	}
	if len(w.T.Headers) > 0 {
		o.SetExtraHeaders(w.T.Headers.Clone())
	}
	if w.T.TLS != nil {
		o.SetTLSClientConfig(w.T.TLS)
	}
	base := d.base
	if base == "" {
		base = w.T.URL(d.instance)
	}
	if u, err := url.Parse(base); err == nil {
		o.SetSecure(u.Scheme == "https")
	}
	outcome := make(chan error, 1)
	report := func(err error) {
		select {
		case outcome <- err:
		default:
		}
	}
	m := client.NewManager(base, o)
	sock := m.Socket(ns, o)
	c.sock = sock
	_ = sock.On("connect", func(...any) {
		c.mu.Lock()
		c.connects++
		c.bump()
		c.mu.Unlock()
		w.Rec.Add("note", c.Actor, "", nil, "connected")
		report(nil)
	})
	_ = sock.On("connect_error", func(args ...any) {
		ce := connectError(args)
		w.Rec.Add("recv", c.Actor, "connect_error", map[string]any{"code": ce.Code, "message": ce.Message}, "")
		report(ce)
	})
	_ = sock.On("disconnect", func(args ...any) {
		reason, _ := first(args).(string)
		c.mu.Lock()
		c.disconnects = append(c.disconnects, reason)
		c.bump()
		c.mu.Unlock()
		w.Rec.Add("note", c.Actor, "", nil, "disconnected: "+reason)
	})
	sock.OnAny(func(args ...any) { c.receive(args) })
	w.track(c)
	opened := make(chan error, 1)
	go c.watchOpen(m, d.reconnect)
	m.Open(func(err error) {
		select {
		case opened <- err:
		default:
		}
	})
	timer := time.NewTimer(wait + time.Second)
	defer timer.Stop()
	select {
	case err := <-opened:
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("%w: engine open %s%s for %s: %v", ErrTransportLost, base, w.T.SIOPath, u.ID, err)
		}
	case <-timer.C:
		c.Close()
		return nil, fmt.Errorf("%w: engine open %s%s for %s", ErrConnectTimeout, base, w.T.SIOPath, u.ID)
	case <-ctx.Done():
		c.Close()
		return nil, ctx.Err()
	}
	sock.Connect()
	select {
	case err := <-outcome:
		if err != nil {
			c.Close()
			return nil, err
		}
		if !c.sock.Connected() || len(c.Disconnects()) > 0 {
			c.Close()
			return nil, fmt.Errorf("%w: %s to %s%s: %v", ErrTransportLost, u.ID, base, ns, c.Disconnects())
		}
		return c, nil
	case <-timer.C:
		c.Close()
		return nil, fmt.Errorf("%w: %s to %s%s", ErrConnectTimeout, u.ID, base, ns)
	case <-ctx.Done():
		c.Close()
		return nil, ctx.Err()
	}
}

func connectError(args []any) *ConnectError {
	ce := &ConnectError{}
	switch e := first(args).(type) {
	case *types.ExtendedError:
		ce.Message, ce.Data = e.Message, e.Data
	case error:
		ce.Message = e.Error()
	default:
		ce.Message = fmt.Sprint(e)
	}
	if m, ok := ce.Data.(map[string]any); ok {
		ce.Code = spec.Code(str(m, "code"))
		if msg := str(m, "message"); msg != "" {
			ce.Message = msg
		}
	}
	return ce
}

// receive records and validates one server event.
func (c *Client) receive(args []any) {
	if len(args) == 0 {
		return
	}
	name, _ := args[0].(string)
	ev := Event{At: time.Now(), Name: name, Event: c.w.T.Contract.Event(name)}
	if len(args) > 1 {
		ev.Data = normalize(args[1])
	}
	c.w.Rec.Add("recv", c.Actor, name, ev.Data, "")
	c.check(ev, args[1:])
	c.mu.Lock()
	c.events = append(c.events, ev)
	c.bump()
	c.mu.Unlock()
}

// check validates a server payload and tallies it under the event's role.
func (c *Client) check(ev Event, args []any) {
	rec := c.w.Rec
	if ev.Event == nil || ev.Event.IsClient() {
		rec.observe(unknownEventKey, fmt.Sprintf("%s received %q, which is not a server event of the contract", c.Actor, ev.Name))
		return
	}
	key := string(ev.Event.Role)
	switch {
	case !ev.Event.InNamespace(c.NS):
		rec.observe(key, fmt.Sprintf("%s arrived on %s, which the contract does not carry it on (%v)", ev.Name, c.NS, ev.Event.Namespaces))
	case len(args) == 0:
		rec.observe(key, ev.Name+" arrived without a payload")
	case extraArgs(args):
		rec.observe(key, fmt.Sprintf("%s arrived with %d arguments, want one JSON object", ev.Name, len(args)))
	default:
		if err := ev.Event.Validate(ev.Data); err != nil {
			b, _ := json.Marshal(ev.Data)
			rec.observe(key, fmt.Sprintf("%v; payload %s", err, truncate(string(b), 600)))
			rec.Note("payload violation: %v", err)
			return
		}
		rec.observe(key, "")
	}
}

// extraArgs reports arguments beyond the one payload, tolerating the string offset that
// Socket.IO connection state recovery appends.
func extraArgs(args []any) bool {
	if len(args) <= 1 {
		return false
	}
	if len(args) == 2 {
		if _, ok := args[1].(string); ok {
			return false
		}
	}
	return true
}

// bump wakes the waiters; c.mu is held.
func (c *Client) bump() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// Connected reports whether the socket is connected now.
func (c *Client) Connected() bool { return c.sock.Connected() }

// Disconnects returns the disconnect reasons seen so far.
func (c *Client) Disconnects() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.disconnects...)
}

// Connects counts the connect events (1 after Dial, more after reconnects).
func (c *Client) Connects() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.connects
}

// Close disconnects the socket (a client-side disconnect); it is safe to call twice.
func (c *Client) Close() {
	c.closeOnce.Do(func() { close(c.closed) })
	if c.sock != nil {
		c.sock.Disconnect()
	}
}

// Events returns what the client received so far, optionally only of the given roles.
func (c *Client) Events(roles ...spec.Role) []Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Event
	for _, e := range c.events {
		if len(roles) == 0 || hasRole(roles, e.Role()) {
			out = append(out, e)
		}
	}
	return out
}

// Count counts received events of role r for which match (nil: all) is true.
func (c *Client) Count(r spec.Role, match func(Event) bool) int {
	n := 0
	for _, e := range c.Events(r) {
		if match == nil || match(e) {
			n++
		}
	}
	return n
}

func hasRole(roles []spec.Role, r spec.Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}

// ErrWaitTimeout is wrapped by waits that ran out of time.
var ErrWaitTimeout = errors.New("timed out")

// WaitUntil blocks until cond holds over the client's state, or the wait times out
// (limits.replyTimeoutMs unless ctx ends first). cond is re-checked on every event,
// connect and disconnect; there is no polling.
func (c *Client) WaitUntil(ctx context.Context, what string, cond func() bool) error {
	ctx, cancel := context.WithTimeout(ctx, c.w.WaitTimeout())
	defer cancel()
	for {
		c.mu.Lock()
		ch := c.changed
		c.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("%w after %s waiting on %s for %s", ErrWaitTimeout, c.w.WaitTimeout(), c.Actor, what)
		}
	}
}

// WaitFor waits for the first event of role r (after index from) that matches.
func (c *Client) WaitFor(ctx context.Context, r spec.Role, match func(Event) bool) (Event, error) {
	var got Event
	err := c.WaitUntil(ctx, string(r), func() bool {
		for _, e := range c.Events(r) {
			if match == nil || match(e) {
				got = e
				return true
			}
		}
		return false
	})
	return got, err
}

// WaitDisconnect waits until the socket has seen a disconnect and returns its reason.
func (c *Client) WaitDisconnect(ctx context.Context) (string, error) {
	var reason string
	err := c.WaitUntil(ctx, "disconnect", func() bool {
		d := c.Disconnects()
		if len(d) > 0 {
			reason = d[len(d)-1]
			return true
		}
		return false
	})
	return reason, err
}

// WaitConnects waits until the socket has connected n times (reconnects count).
func (c *Client) WaitConnects(ctx context.Context, n int) error {
	return c.WaitUntil(ctx, fmt.Sprintf("connect #%d", n), func() bool { return c.Connects() >= n && c.Connected() })
}

func first(args []any) any {
	if len(args) == 0 {
		return nil
	}
	return args[0]
}

// normalize round-trips a decoded value through JSON so numbers and maps have one shape.
func normalize(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return v
	}
	return out
}

func str(v any, name string) string {
	m, _ := v.(map[string]any)
	s, _ := m[name].(string)
	return s
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
