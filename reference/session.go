package reference

import (
	"sync"
	"time"

	"github.com/zishang520/socket.io/servers/socket/v3"

	"github.com/utalk/rtconform/reference/store"
	"github.com/utalk/rtconform/spec"
)

// session is the server's state of one connected socket.
type session struct {
	srv  *Server
	sock *socket.Socket
	ns   string

	mu        sync.Mutex
	id        identity // ExpiresAt moves on auth:refresh
	expTimer  *time.Timer
	typing    map[string]*time.Timer // conversation -> typing expiry
	connected bool                   // reached the connection handler
	first     bool                   // the user's first socket anywhere

	limiter  limiter
	released sync.Once
}

func newSession(srv *Server, sock *socket.Socket, ns string, id identity) *session {
	return &session{srv: srv, sock: sock, ns: ns, id: id} // typing: made on first use
}

// who returns the socket's identity.
func (ss *session) who() identity {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.id
}

func (ss *session) presenceEntry() store.PresenceEntry {
	id := ss.who()
	return store.PresenceEntry{TenantID: id.TenantID, WorkspaceID: id.WorkspaceID, UserID: id.UserID,
		Role: id.Role, Email: id.Email}
}

// expired reports whether the socket's token is past its exp.
func (ss *session) expired(now time.Time) bool { return !now.Before(ss.who().ExpiresAt) }

// armExpiry (re)starts the timer that ends the session at the token's exp.
func (ss *session) armExpiry() {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.expTimer != nil {
		ss.expTimer.Stop()
	}
	ss.expTimer = time.AfterFunc(time.Until(ss.id.ExpiresAt), ss.expire)
}

// expire tells the client its token expired, then disconnects it with a
// DISCONNECT packet ("io server disconnect"), which a client can tell apart from a
// network fault.
func (ss *session) expire() {
	if !ss.sock.Connected() {
		return
	}
	id := ss.who()
	if time.Now().Before(id.ExpiresAt) { // refreshed meanwhile
		return
	}
	ss.srv.emitTo(ss, spec.TokenExpired, tokenExpiredPayload(id.ExpiresAt))
	ss.sock.Disconnect(false)
}

// setTyping records that the user types in conv until d from now; fn runs when it
// expires without a renewal. It reports whether typing was already on.
func (ss *session) setTyping(conv string, d time.Duration, fn func()) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	t, was := ss.typing[conv]
	if was {
		t.Stop()
	}
	var self *time.Timer
	self = time.AfterFunc(d, func() {
		ss.mu.Lock()
		cur, ok := ss.typing[conv]
		if ok && cur == self {
			delete(ss.typing, conv)
		}
		ss.mu.Unlock()
		if ok && cur == self {
			fn()
		}
	})
	if ss.typing == nil {
		ss.typing = map[string]*time.Timer{}
	}
	ss.typing[conv] = self
	return was
}

// clearTyping stops typing in conv and reports whether it was on.
func (ss *session) clearTyping(conv string) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	t, ok := ss.typing[conv]
	if ok {
		t.Stop()
		delete(ss.typing, conv)
	}
	return ok
}

// stopAll stops the session's timers and returns the conversations it was typing in.
func (ss *session) stopAll() []string {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.expTimer != nil {
		ss.expTimer.Stop()
	}
	var convs []string
	for c, t := range ss.typing {
		t.Stop()
		convs = append(convs, c)
	}
	ss.typing = nil
	return convs
}
