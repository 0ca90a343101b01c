// Package fakeserver is a small in-process UTalk-like Socket.IO server for the load
// generator's tests: websocket Engine.IO v4, the contract's events looked up by role,
// join, send with per-conversation seq and fan-out, sync by cursor, and the control
// surface's drop. It checks no tokens and enforces no limits; it is not the reference.
package fakeserver

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/utalk/rtconform/spec"
)

// Server is a running fake server.
type Server struct {
	URL string
	// RejectEvery, when > 0, answers every n-th send with its error event
	// (RATE_LIMIT_EXCEEDED), for error-count tests.
	RejectEvery int64
	// DropReplyEvery, when > 0, never answers every n-th send (a lost reply).
	DropReplyEvery int64

	c     *spec.Contract
	ln    net.Listener
	srv   *http.Server
	mu    sync.Mutex
	rooms map[string]map[*wsConn]bool
	msgs  map[string][]map[string]any
	conns map[*wsConn]bool
	sends atomic.Int64
	Drops atomic.Int64
}

type wsConn struct {
	ws  *websocket.Conn
	mu  sync.Mutex
	nsp string
}

func (c *wsConn) write(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_ = c.ws.WriteMessage(websocket.TextMessage, []byte(s))
}

// Start serves on 127.0.0.1 at a free port.
func Start(c *spec.Contract) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{URL: "http://" + ln.Addr().String(), c: c, ln: ln,
		rooms: map[string]map[*wsConn]bool{}, msgs: map[string][]map[string]any{}, conns: map[*wsConn]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/socket.io/", s.serveWS)
	mux.HandleFunc("POST /control/drop", s.drop)
	mux.HandleFunc("GET /health/socket", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"status":"ok","limitsRaised":false}`)
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 1.2345e+07\n")
	})
	s.srv = &http.Server{Handler: mux}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Close stops the server.
func (s *Server) Close() {
	_ = s.srv.Close()
	s.mu.Lock()
	for c := range s.conns {
		_ = c.ws.Close()
	}
	s.mu.Unlock()
}

func (s *Server) drop(w http.ResponseWriter, _ *http.Request) {
	s.Drops.Add(1)
	s.mu.Lock()
	for c := range s.conns {
		_ = c.ws.Close()
	}
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &wsConn{ws: ws}
	s.mu.Lock()
	s.conns[c] = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		for _, room := range s.rooms {
			delete(room, c)
		}
		s.mu.Unlock()
		_ = ws.Close()
	}()
	c.write(`0{"sid":"fake","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`)
	for {
		_, b, err := ws.ReadMessage()
		if err != nil {
			return
		}
		s.frame(c, string(b))
	}
}

func (s *Server) frame(c *wsConn, f string) {
	if !strings.HasPrefix(f, "4") || len(f) < 2 {
		return
	}
	typ, rest := f[1], f[2:]
	nsp := "/"
	if strings.HasPrefix(rest, "/") {
		i := strings.IndexByte(rest, ',')
		if i < 0 {
			nsp, rest = rest, ""
		} else {
			nsp, rest = rest[:i], rest[i+1:]
		}
	}
	switch typ {
	case '0':
		c.nsp = nsp
		c.write("40" + nsp + `,{"sid":"s1"}`)
	case '2':
		var args []json.RawMessage
		if json.Unmarshal([]byte(rest), &args) != nil || len(args) < 2 {
			return
		}
		var name string
		_ = json.Unmarshal(args[0], &name)
		var p map[string]any
		_ = json.Unmarshal(args[1], &p)
		s.event(c, name, p)
	}
}

func (s *Server) emit(c *wsConn, role spec.Role, payload any) {
	b, _ := json.Marshal([]any{s.c.ByRole(role).Name, payload})
	c.write("42" + c.nsp + "," + string(b))
}

func (s *Server) event(c *wsConn, name string, p map[string]any) {
	e := s.c.Event(name)
	if e == nil || !e.IsClient() {
		return
	}
	conv, _ := p["conversationId"].(string)
	if err := e.Validate(p); err != nil {
		corr, _ := p[e.Correlation].(string)
		env := map[string]any{"code": "VALIDATION_ERROR", "message": err.Error(), "event": name, "correlationId": corr}
		if e.ErrorEvent.Role == spec.GenericError {
			s.emit(c, spec.GenericError, env)
		} else {
			s.emit(c, e.ErrorEvent.Role, map[string]any{e.Correlation: corr, "error": env})
		}
		return
	}
	switch e.Role {
	case spec.JoinConversation:
		s.mu.Lock()
		if s.rooms[conv] == nil {
			s.rooms[conv] = map[*wsConn]bool{}
		}
		s.rooms[conv][c] = true
		last := len(s.msgs[conv])
		s.mu.Unlock()
		s.emit(c, e.Reply.Role, map[string]any{"conversationId": conv, "lastSeq": last})
	case spec.SendMessage:
		s.send(c, e, conv, p)
	case spec.SyncState:
		s.sync(c, e, p)
	default:
		s.emit(c, e.Reply.Role, map[string]any{"conversationId": conv})
	}
}

func (s *Server) send(c *wsConn, e *spec.Event, conv string, p map[string]any) {
	n := s.sends.Add(1)
	mid, _ := p["messageId"].(string)
	if s.DropReplyEvery > 0 && n%s.DropReplyEvery == 0 {
		return
	}
	if s.RejectEvery > 0 && n%s.RejectEvery == 0 {
		s.emit(c, e.ErrorEvent.Role, map[string]any{"messageId": mid, "conversationId": conv,
			"error": map[string]any{"code": "RATE_LIMIT_EXCEEDED", "message": "fake"}})
		return
	}
	s.mu.Lock()
	seq := len(s.msgs[conv]) + 1
	now := time.Now().UTC().Format(time.RFC3339Nano)
	msg := map[string]any{"id": fmt.Sprintf("msg_%d", n), "messageId": mid, "conversationId": conv,
		"type": "text", "text": p["text"], "sender": "u", "direction": "outbound", "status": "sent",
		"createdAt": now, "seq": seq}
	s.msgs[conv] = append(s.msgs[conv], msg)
	var others []*wsConn
	for m := range s.rooms[conv] {
		if m != c {
			others = append(others, m)
		}
	}
	// Emit under the lock so that every member gets the conversation in seq order.
	s.emit(c, e.Reply.Role, map[string]any{"id": msg["id"], "messageId": mid, "conversationId": conv,
		"status": "sent", "sentAt": now, "seq": seq})
	for _, m := range others {
		s.emit(m, spec.MessageNew, msg)
	}
	s.mu.Unlock()
}

func (s *Server) sync(c *wsConn, e *spec.Event, p map[string]any) {
	var out []map[string]any
	cursors, _ := p["cursors"].([]any)
	s.mu.Lock()
	for _, cu := range cursors {
		m, _ := cu.(map[string]any)
		conv, _ := m["conversationId"].(string)
		after, _ := m["afterSeq"].(float64)
		for _, msg := range s.msgs[conv] {
			if float64(msg["seq"].(int)) > after {
				out = append(out, msg)
			}
		}
	}
	s.mu.Unlock()
	s.emit(c, e.Reply.Role, map[string]any{"syncId": p["syncId"], "conversations": []any{},
		"unreadCounts": map[string]any{}, "onlineUsers": []any{}, "serverTime": time.Now().UTC(), "messages": out})
}
