package sioconn_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/utalk/rtconform/loadgen/sioconn"
	"github.com/utalk/rtconform/loadgen/sioconn/internal/sioserver"
)

func TestDialConnectResult(t *testing.T) {
	srv := startServer(t, sioserver.Config{})
	tests := []struct {
		name      string
		nsp       string
		auth      map[string]any
		wantCode  string // "" with wantError: a connect_error without code
		wantError bool
		wantMsg   string
	}{
		{name: "valid token", nsp: "/app", auth: map[string]any{"token": "valid"}},
		{name: "root namespace without auth", nsp: "/"},
		{name: "expired token", nsp: "/app", auth: map[string]any{"token": "expired"}, wantError: true, wantCode: sioserver.CodeTokenExpired, wantMsg: "token expired"},
		{name: "no token", nsp: "/app", wantError: true, wantCode: sioserver.CodeAccessDenied, wantMsg: "access denied"},
		{name: "unknown namespace", nsp: "/nope", wantError: true, wantMsg: "Invalid namespace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := sioconn.Dial(ctxTimeout(t, 5*time.Second), sioconn.Options{URL: srv.URL(), Namespace: tt.nsp, Auth: tt.auth})
			if !tt.wantError {
				if err != nil {
					t.Fatalf("Dial: %v", err)
				}
				defer c.Close()
				if c.SID() == "" || c.Handshake().EngineSID == "" || c.SID() == c.Handshake().EngineSID {
					t.Errorf("SID %q, engine SID %q: want two different non-empty ids", c.SID(), c.Handshake().EngineSID)
				}
				if got := c.Namespace(); got != tt.nsp {
					t.Errorf("Namespace() = %q, want %q", got, tt.nsp)
				}
				return
			}
			var ce *sioconn.ConnectError
			if !errors.As(err, &ce) {
				t.Fatalf("Dial error = %v (%T), want *ConnectError", err, err)
			}
			if ce.Code != tt.wantCode || ce.Message != tt.wantMsg {
				t.Errorf("ConnectError = {Message %q, Code %q}, want {%q, %q}", ce.Message, ce.Code, tt.wantMsg, tt.wantCode)
			}
			if tt.wantCode != "" {
				var data map[string]any
				if err := json.Unmarshal(ce.Data, &data); err != nil || data["code"] != tt.wantCode {
					t.Errorf("ConnectError.Data = %s, want an object with code %q", ce.Data, tt.wantCode)
				}
			}
		})
	}
}

func TestDialErrors(t *testing.T) {
	srv := startServer(t, sioserver.Config{})
	tests := []struct {
		name string
		opts sioconn.Options
		want string
	}{
		{name: "no URL", opts: sioconn.Options{}, want: "URL is empty"},
		{name: "bad scheme", opts: sioconn.Options{URL: "ftp://x"}, want: "scheme"},
		{name: "bad namespace", opts: sioconn.Options{URL: srv.URL(), Namespace: "app"}, want: "must start with /"},
		{name: "wrong path", opts: sioconn.Options{URL: srv.URL(), Path: "/nope/"}, want: "HTTP 404"},
		{name: "refused", opts: sioconn.Options{URL: "http://127.0.0.1:1"}, want: "refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sioconn.Dial(ctxTimeout(t, 5*time.Second), tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Dial error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestDialNamespaceFromURLPath(t *testing.T) {
	srv := startServer(t, sioserver.Config{})
	c, err := sioconn.Dial(ctxTimeout(t, 5*time.Second), sioconn.Options{
		URL:  srv.URL() + sioserver.Namespace,
		Auth: map[string]any{"token": sioserver.TokenValid},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := c.Namespace(); got != sioserver.Namespace {
		t.Errorf("Namespace() = %q, want %q", got, sioserver.Namespace)
	}
}

func TestDialTimeout(t *testing.T) {
	// A listener that accepts and never answers the websocket handshake.
	ln := newSilentListener(t)
	start := time.Now()
	_, err := sioconn.Dial(context.Background(), sioconn.Options{URL: "http://" + ln.Addr().String(), ConnectTimeout: 200 * time.Millisecond})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Dial error = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Dial took %v with a 200ms ConnectTimeout", d)
	}
}

func TestEmitWithAckEcho(t *testing.T) {
	srv := startServer(t, sioserver.Config{})
	c := dialApp(t, srv.URL(), nil)
	tests := []struct {
		name    string
		payload any
		want    string
	}{
		{name: "object", payload: map[string]any{"conversationId": "conv_+1234567890_+0987654321", "body": "hi <b>"}, want: `[{"body":"hi <b>","conversationId":"conv_+1234567890_+0987654321"}]`},
		{name: "string", payload: "hé \"quoted\"", want: `["hé \"quoted\""]`},
		{name: "raw", payload: json.RawMessage(`{"a":[1,2,{"b":null}]}`), want: `[{"a":[1,2,{"b":null}]}]`},
		{name: "no argument", payload: nil, want: `[]`},
		{name: "number", payload: 42.5, want: `[42.5]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.EmitWithAck(ctxTimeout(t, 5*time.Second), sioserver.EventEcho, tt.payload)
			if err != nil {
				t.Fatal(err)
			}
			if !jsonEqual(got, []byte(tt.want)) {
				t.Errorf("ack = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestEmitWithAckContextExpires(t *testing.T) {
	srv := startServer(t, sioserver.Config{})
	c := dialApp(t, srv.URL(), nil)
	// The server has no handler for this event, so no ack ever comes.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.EmitWithAck(ctx, "no-such-event", 1)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("EmitWithAck error = %v, want DeadlineExceeded", err)
	}
	// The connection still works and ids moved on.
	if _, err := c.EmitWithAck(ctxTimeout(t, 5*time.Second), sioserver.EventEcho, 1); err != nil {
		t.Fatal(err)
	}
}

func TestServerEmitReachesHandlers(t *testing.T) {
	srv := startServer(t, sioserver.Config{})
	events := make(chan event, 10)
	pushed := make(chan []string, 1)
	c := dialApp(t, srv.URL(), func(o *sioconn.Options) {
		o.OnEvent = recorder(events)
		o.Handlers = map[string]sioconn.Handler{sioserver.EventPushed: func(args []json.RawMessage) {
			var got []string
			for _, a := range args {
				got = append(got, string(a))
			}
			pushed <- got
		}}
	})
	select { // sent by the server right on connect: caught by Options.OnEvent
	case e := <-events:
		want := `{"id":"` + c.SID() + `"}`
		if e.name != sioserver.EventWelcome || len(e.args) != 1 || e.args[0] != want {
			t.Errorf("first event = %+v, want welcome %s", e, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no welcome event")
	}
	if err := c.Emit(sioserver.EventPushMe, map[string]int{"n": 7}); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-pushed:
		if len(got) != 1 || got[0] != `{"n":7}` {
			t.Errorf("pushed args = %q, want [{\"n\":7}]", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no pushed event")
	}

	// On replaces the handler at run time; nil removes it (falls back to OnEvent).
	again := make(chan struct{}, 1)
	c.On(sioserver.EventPushed, func([]json.RawMessage) { again <- struct{}{} })
	_ = c.Emit(sioserver.EventPushMe, 1)
	select {
	case <-again:
	case <-time.After(5 * time.Second):
		t.Fatal("On handler not called")
	}
	c.On(sioserver.EventPushed, nil)
	_ = c.Emit(sioserver.EventPushMe, 2)
	select {
	case e := <-events:
		if e.name != sioserver.EventPushed {
			t.Errorf("OnEvent got %q, want %q", e.name, sioserver.EventPushed)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("OnEvent not called after On(nil)")
	}
}

func TestCloseReasons(t *testing.T) {
	srv := startServer(t, sioserver.Config{})
	tests := []struct {
		name  string
		cause func(t *testing.T, c *sioconn.Conn)
		want  sioconn.CloseReason
		also  sioconn.CloseReason // a second acceptable reason, if any
	}{
		{name: "server Disconnect(false)", want: sioconn.ReasonServerDisconnect, cause: func(t *testing.T, c *sioconn.Conn) {
			_ = c.Emit(sioserver.EventKickMe, nil)
		}},
		// Disconnect(true) writes 41/app, and then closes the engine: unlike the
		// official Go client (facts note, item 2), sioconn reads the packet when
		// it makes it onto the wire before the close.
		{name: "server Disconnect(true)", want: sioconn.ReasonServerDisconnect, also: sioconn.ReasonTransportClose, cause: func(t *testing.T, c *sioconn.Conn) {
			_ = c.Emit(sioserver.EventKickHardMe, nil)
		}},
		{name: "client Close", want: sioconn.ReasonClientDisconnect, cause: func(t *testing.T, c *sioconn.Conn) {
			_ = c.Close()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dialApp(t, srv.URL(), nil)
			pending := make(chan error, 1)
			go func() { // an ack that never comes must fail with the close error
				_, err := c.EmitWithAck(context.Background(), "no-such-event", nil)
				pending <- err
			}()
			time.Sleep(20 * time.Millisecond)
			tt.cause(t, c)
			waitDone(t, c, 5*time.Second)
			got := c.CloseReason()
			if got != tt.want && (tt.also == "" || got != tt.also) {
				t.Errorf("CloseReason() = %q, want %q (Err %v)", got, tt.want, c.Err())
			}
			t.Logf("reason %q, Err() = %v", got, c.Err())
			var ce *sioconn.CloseError
			if err := c.Err(); !errors.As(err, &ce) || ce.Reason != got || !errors.Is(err, sioconn.ErrClosed) {
				t.Errorf("Err() = %v, want a *CloseError with reason %q", err, got)
			}
			if err := <-pending; !errors.Is(err, sioconn.ErrClosed) {
				t.Errorf("pending EmitWithAck error = %v, want ErrClosed", err)
			}
			if err := c.Emit(sioserver.EventEcho, 1); !errors.Is(err, sioconn.ErrClosed) {
				t.Errorf("Emit after close = %v, want ErrClosed", err)
			}
			if _, err := c.EmitWithAck(context.Background(), sioserver.EventEcho, 1); !errors.Is(err, sioconn.ErrClosed) {
				t.Errorf("EmitWithAck after close = %v, want ErrClosed", err)
			}
			if err := c.Close(); err != nil { // idempotent
				t.Errorf("second Close = %v", err)
			}
			if again := c.CloseReason(); again != got {
				t.Errorf("CloseReason() after Close = %q, want %q", again, got)
			}
		})
	}
}

func TestCloseFromHandler(t *testing.T) {
	srv := startServer(t, sioserver.Config{})
	var c *sioconn.Conn
	ready := make(chan struct{})
	c = dialApp(t, srv.URL(), func(o *sioconn.Options) {
		o.Handlers = map[string]sioconn.Handler{sioserver.EventPushed: func([]json.RawMessage) {
			<-ready
			_ = c.Close() // must not deadlock on its own read goroutine
		}}
	})
	close(ready)
	_ = c.Emit(sioserver.EventPushMe, nil)
	waitDone(t, c, 5*time.Second)
	if got := c.CloseReason(); got != sioconn.ReasonClientDisconnect {
		t.Errorf("CloseReason() = %q, want %q", got, sioconn.ReasonClientDisconnect)
	}
}

func TestConcurrentEmitters(t *testing.T) {
	srv := startServer(t, sioserver.Config{})
	c := dialApp(t, srv.URL(), nil)
	const goroutines, each = 8, 200
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				want := map[string]int{"g": g, "i": i}
				got, err := c.EmitWithAck(ctxTimeout(t, 10*time.Second), sioserver.EventEcho, want)
				if err != nil {
					errs <- err
					return
				}
				var back [1]map[string]int
				if err := json.Unmarshal(got, &back); err != nil || back[0]["g"] != g || back[0]["i"] != i {
					errs <- errors.New("ack mismatch: " + string(got))
					return
				}
				if i%10 == 0 {
					if err := c.Emit("fire-and-forget", i); err != nil {
						errs <- err
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// jsonEqual reports whether a and b hold equal JSON values.
func jsonEqual(a, b []byte) bool {
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

func TestDialReadyEvent(t *testing.T) {
	srv := startServer(t, sioserver.Config{})
	tests := []struct {
		name    string
		ready   string
		wantErr error
	}{
		{name: "event arrives", ready: sioserver.EventWelcome},
		{name: "event never arrives", ready: "never", wantErr: context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			welcomed := false
			c, err := sioconn.Dial(context.Background(), sioconn.Options{
				URL: srv.URL(), Namespace: sioserver.Namespace, Auth: map[string]any{"token": sioserver.TokenValid},
				ConnectTimeout: 300 * time.Millisecond, ReadyEvent: tt.ready,
				Handlers: map[string]sioconn.Handler{sioserver.EventWelcome: func([]json.RawMessage) { welcomed = true }},
			})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Dial error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if !welcomed { // the ready event went to its handler before Dial returned
				t.Error("welcome handler not called before Dial returned")
			}
		})
	}
}
