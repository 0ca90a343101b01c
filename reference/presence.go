package reference

import (
	"time"

	"github.com/zishang520/socket.io/servers/socket/v3"

	"github.com/utalk/rtconform/reference/store"
	"github.com/utalk/rtconform/spec"
)

// announcePresence tells the user's workspace that the user came online (first
// socket anywhere) or went offline (last socket anywhere).
func (s *Server) announcePresence(ss *session, online bool) {
	s.presenceEvents(ss.presenceEntry(), online, time.Now())
}

func (s *Server) presenceEvents(e store.PresenceEntry, online bool, now time.Time) {
	room := []socket.Room{s.rooms.workspace(e.TenantID, e.WorkspaceID)}
	email := ""
	if validEmail(e.Email) {
		email = e.Email
	}
	status := "offline"
	if online {
		status = "online"
	}
	s.broadcast(spec.PresenceUpdate, room, "", presenceUser{UserID: e.UserID, Email: email, Status: status,
		Role: e.Role, LastSeen: stamp(now)})
	if online {
		s.broadcast(spec.UserConnected, room, "", presenceUser{UserID: e.UserID, Email: email, Role: e.Role,
			ConnectedAt: stamp(now)})
		return
	}
	s.broadcast(spec.UserDisconnected, room, "", presenceUser{UserID: e.UserID, Email: email, Role: e.Role,
		DisconnectedAt: stamp(now)})
}

// heartbeat keeps this instance's presence alive and announces the users that
// went offline because another instance stopped heart-beating.
func (s *Server) heartbeat() {
	ctx, cancel := s.storeCtx()
	defer cancel()
	gone, err := s.st.Presence.Heartbeat(ctx, s.cfg.Instance, s.c.Limits.PresenceTTL())
	if err != nil {
		s.log.Warn("presence heartbeat failed", "err", err)
		return
	}
	now := time.Now()
	for _, e := range gone {
		s.presenceEvents(e, false, now)
	}
}
