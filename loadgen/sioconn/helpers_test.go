package sioconn_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/utalk/rtconform/loadgen/sioconn"
	"github.com/utalk/rtconform/loadgen/sioconn/internal/sioserver"
)

// startServer starts an in-process zishang520 server for one test.
func startServer(t testing.TB, cfg sioserver.Config) *sioserver.Server {
	t.Helper()
	srv, err := sioserver.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// dialApp connects to the /app namespace with a valid token.
func dialApp(t testing.TB, url string, mod func(*sioconn.Options)) *sioconn.Conn {
	t.Helper()
	opts := sioconn.Options{
		URL:            url,
		Namespace:      sioserver.Namespace,
		Auth:           map[string]any{"token": sioserver.TokenValid},
		ConnectTimeout: 5 * time.Second,
		ReadyEvent:     sioserver.EventWelcome, // see Options.ReadyEvent
	}
	if mod != nil {
		mod(&opts)
	}
	c, err := sioconn.Dial(context.Background(), opts)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// waitDone waits for c to close.
func waitDone(t testing.TB, c *sioconn.Conn, within time.Duration) {
	t.Helper()
	select {
	case <-c.Done():
	case <-time.After(within):
		t.Fatalf("connection still open after %v", within)
	}
}

// event is a copy of one received event.
type event struct {
	name string
	args []string
}

// recorder collects events into a channel, copying their arguments.
func recorder(ch chan<- event) sioconn.EventHandler {
	return func(name string, args []json.RawMessage) {
		e := event{name: name}
		for _, a := range args {
			e.args = append(e.args, string(a))
		}
		ch <- e
	}
}

func ctxTimeout(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
