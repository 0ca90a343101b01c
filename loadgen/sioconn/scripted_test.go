package sioconn_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/utalk/rtconform/loadgen/sioconn"
)

// scriptedServer is a hand-written Engine.IO/Socket.IO peer: it sends the
// open packet, accepts CONNECT for /app, then runs script. It lets tests
// send what no real server sends.
type scriptedServer struct {
	url string
}

type wsFrame struct {
	binary bool
	data   string
}

func startScripted(t *testing.T, pingInterval time.Duration, script func(t *testing.T, c *websocket.Conn)) *scriptedServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	up := websocket.Upgrader{}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("EIO") != "4" || r.URL.Query().Get("transport") != "websocket" {
			http.Error(w, "bad query", http.StatusBadRequest)
			return
		}
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		wg.Add(1)
		defer wg.Done()
		defer c.Close()
		open := `0{"sid":"eng1","upgrades":[],"pingInterval":` + itoa(pingInterval.Milliseconds()) + `,"pingTimeout":` + itoa(pingInterval.Milliseconds()) + `,"maxPayload":1000000}`
		if c.WriteMessage(websocket.TextMessage, []byte(open)) != nil {
			return
		}
		_, msg, err := c.ReadMessage()
		if err != nil || !strings.HasPrefix(string(msg), "40/app,") {
			return
		}
		if c.WriteMessage(websocket.TextMessage, []byte(`40/app,{"sid":"sock1"}`)) != nil {
			return
		}
		script(t, c)
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() {
		_ = srv.Close()
		wg.Wait()
	})
	return &scriptedServer{url: "http://" + ln.Addr().String()}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func sendFrames(c *websocket.Conn, frames ...wsFrame) error {
	for _, f := range frames {
		typ := websocket.TextMessage
		if f.binary {
			typ = websocket.BinaryMessage
		}
		if err := c.WriteMessage(typ, []byte(f.data)); err != nil {
			return err
		}
	}
	return nil
}

func TestMalformedFramesCloseWithParseError(t *testing.T) {
	bad := []string{"", "9", "4", "47", `42["m",`, `42/app,["m"]]`, `42/app,[{}]`, `43/app,[1]`, `43/app,99999999999999999999999[]`, `41/app,{}`}
	for _, frame := range bad {
		t.Run(frame, func(t *testing.T) {
			srv := startScripted(t, time.Minute, func(t *testing.T, c *websocket.Conn) {
				_ = sendFrames(c, wsFrame{data: frame})
				_, _, _ = c.ReadMessage() // until the client goes
			})
			c, err := sioconn.Dial(context.Background(), sioconn.Options{URL: srv.url, Namespace: "/app", Auth: map[string]any{}})
			if err != nil {
				t.Fatal(err)
			}
			waitDone(t, c, 5*time.Second)
			var pe *sioconn.ProtocolError
			if got := c.CloseReason(); got != sioconn.ReasonParseError || !errors.As(c.Err(), &pe) {
				t.Errorf("CloseReason() = %q, Err() = %v; want %q with a *ProtocolError", got, c.Err(), sioconn.ReasonParseError)
			}
		})
	}
}

func TestBinaryAndForeignPacketsAreDropped(t *testing.T) {
	got := make(chan string, 10)
	srv := startScripted(t, time.Minute, func(t *testing.T, c *websocket.Conn) {
		_ = sendFrames(c,
			wsFrame{binary: true, data: "\x01\x02"},
			wsFrame{data: `451-/app,["file",{"_placeholder":true,"num":0}]`},
			wsFrame{binary: true, data: "attachment"},
			wsFrame{data: `bAQID`},
			wsFrame{data: `42/other,["not-ours"]`},
			wsFrame{data: `43/app,77["nobody waits"]`},
			wsFrame{data: `40/app,{"sid":"late"}`},
			wsFrame{data: `6`},
			wsFrame{data: `42/app,["after",1]`},
		)
		_, _, _ = c.ReadMessage()
	})
	var errs []error
	var mu sync.Mutex
	c, err := sioconn.Dial(context.Background(), sioconn.Options{
		URL: srv.url, Namespace: "/app", Auth: map[string]any{},
		OnEvent: func(name string, args []json.RawMessage) { got <- name },
		OnError: func(err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	select {
	case name := <-got:
		if name != "after" {
			t.Errorf("first event = %q, want %q", name, "after")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no event after the dropped packets")
	}
	if err := c.Err(); err != nil {
		t.Fatalf("connection closed: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(errs) != 4 {
		t.Errorf("OnError got %d errors %v, want 4 ErrBinaryNotSupported", len(errs), errs)
	}
	for _, err := range errs {
		if !errors.Is(err, sioconn.ErrBinaryNotSupported) {
			t.Errorf("OnError got %v, want ErrBinaryNotSupported", err)
		}
	}
}

// TestPongFramesAndEngineClose checks the exact pong frames,
// including the probe echo, and that an Engine.IO close packet is a
// transport close.
func TestPongFramesAndEngineClose(t *testing.T) {
	pongs := make(chan string, 10)
	srv := startScripted(t, time.Minute, func(t *testing.T, c *websocket.Conn) {
		for _, ping := range []string{"2", "2probe", "2"} {
			if sendFrames(c, wsFrame{data: ping}) != nil {
				return
			}
			_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
			_, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			pongs <- string(msg)
		}
		_ = sendFrames(c, wsFrame{data: "1"})
		_, _, _ = c.ReadMessage()
	})
	c, err := sioconn.Dial(context.Background(), sioconn.Options{URL: srv.url, Namespace: "/app", Auth: map[string]any{}})
	if err != nil {
		t.Fatal(err)
	}
	waitDone(t, c, 5*time.Second)
	close(pongs)
	var got []string
	for p := range pongs {
		got = append(got, p)
	}
	if strings.Join(got, ",") != "3,3probe,3" {
		t.Errorf("pongs = %q, want [3 3probe 3]", got)
	}
	if r := c.CloseReason(); r != sioconn.ReasonTransportClose {
		t.Errorf("CloseReason() = %q, want %q", r, sioconn.ReasonTransportClose)
	}
}
