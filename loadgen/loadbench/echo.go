package loadbench

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/utalk/rtconform/spec"
)

// EchoServer is the minimal server of the latency check: Engine.IO v4 over a
// websocket and Socket.IO v5 packets by hand, no polling, no validation, no state.
// It accepts every namespace CONNECT and answers every client event of the contract
// with the event's reply at once, carrying the request's correlation and access
// fields (and, for sends, an id and a seq). Its own handling is the same for every
// client measured against it, so a difference in reply latency is the clients'.
type EchoServer struct {
	c        *spec.Contract
	up       websocket.Upgrader
	seq      atomic.Int64
	ln       net.Listener
	srv      *http.Server
	interval time.Duration
}

// StartEcho listens on addr (127.0.0.1:0 for a free port).
func StartEcho(addr string, c *spec.Contract) (*EchoServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &EchoServer{c: c, ln: ln, interval: c.Transport.PingInterval(),
		up: websocket.Upgrader{ReadBufferSize: 4096, WriteBufferSize: 4096}}
	if s.interval <= 0 {
		s.interval = 25 * time.Second
	}
	mux := http.NewServeMux()
	mux.HandleFunc(c.Transport.Path, s.serve)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Addr is the listening host:port.
func (s *EchoServer) Addr() string { return s.ln.Addr().String() }

// Close stops the server.
func (s *EchoServer) Close() error { return s.srv.Close() }

func (s *EchoServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("transport") != "websocket" {
		http.Error(w, "websocket only", http.StatusBadRequest)
		return
	}
	ws, err := s.up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer ws.Close()
	var wmu sync.Mutex
	write := func(b []byte) error {
		wmu.Lock()
		defer wmu.Unlock()
		return ws.WriteMessage(websocket.TextMessage, b)
	}
	open, _ := json.Marshal(map[string]any{"sid": randomID(), "upgrades": []string{},
		"pingInterval": s.interval.Milliseconds(), "pingTimeout": s.c.Transport.PingTimeoutMs, "maxPayload": 1 << 20})
	if write(append([]byte{'0'}, open...)) != nil {
		return
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		t := time.NewTicker(s.interval)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if write([]byte{'2'}) != nil {
					return
				}
			}
		}
	}()
	for {
		_, b, err := ws.ReadMessage()
		if err != nil {
			return
		}
		if out := s.answer(b); out != nil && write(out) != nil {
			return
		}
	}
}

// answer returns the frame answering b, or nil.
func (s *EchoServer) answer(b []byte) []byte {
	if len(b) < 2 || b[0] != '4' {
		return nil
	}
	nsp, body := "/", b[2:]
	if len(body) > 0 && body[0] == '/' {
		i := bytes.IndexByte(body, ',')
		if i < 0 {
			nsp, body = string(body), nil
		} else {
			nsp, body = string(body[:i]), body[i+1:]
		}
	}
	nspPart := "" // "/app," or nothing for the root namespace
	if nsp != "/" {
		nspPart = nsp + ","
	}
	switch b[1] {
	case '0':
		return []byte("40" + nspPart + `{"sid":"` + randomID() + `"}`)
	case '2':
	default:
		return nil
	}
	ack := ""
	for len(body) > 0 && body[0] >= '0' && body[0] <= '9' {
		ack += string(body[0])
		body = body[1:]
	}
	var args []json.RawMessage
	if json.Unmarshal(body, &args) != nil || len(args) == 0 {
		return nil
	}
	var name string
	_ = json.Unmarshal(args[0], &name)
	ev := s.c.Event(name)
	if ev == nil || !ev.IsClient() || ev.Reply == nil {
		return nil
	}
	var in map[string]json.RawMessage
	if len(args) > 1 {
		_ = json.Unmarshal(args[1], &in)
	}
	out := map[string]any{}
	for _, f := range []string{ev.Correlation, accessOf(ev)} {
		if v, ok := in[f]; ok && f != "" {
			out[f] = v
		}
	}
	if ev.Role == spec.SendMessage {
		n := s.seq.Add(1)
		out["id"], out["seq"], out["status"], out["sentAt"] = "msg_echo_"+strconv.FormatInt(n, 10), n, "sent", time.Now().UTC().Format(time.RFC3339Nano)
	}
	payload, _ := json.Marshal(out)
	if ack != "" {
		// An acknowledgement: 43<nsp>,<id>[{"event":reply,"data":...}].
		wrapped, _ := json.Marshal([]any{map[string]any{"event": ev.Reply.Name, "data": json.RawMessage(payload)}})
		return []byte("43" + nspPart + ack + string(wrapped))
	}
	replyName, _ := json.Marshal(ev.Reply.Name)
	return []byte("42" + nspPart + "[" + string(replyName) + "," + string(payload) + "]")
}

func accessOf(ev *spec.Event) string {
	if ev.Access == nil {
		return ""
	}
	return ev.Access.Field
}

func randomID() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
