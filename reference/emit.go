package reference

import (
	"github.com/zishang520/socket.io/servers/socket/v3"

	"github.com/utalk/rtconform/reference/store"
	"github.com/utalk/rtconform/spec"
)

// broadcast emits the event of role r to rooms on every namespace that carries
// it, except the socket except (when set). Sockets in several of the rooms get it
// once. A role the contract lacks is skipped.
func (s *Server) broadcast(r spec.Role, rooms []socket.Room, except socket.SocketId, payload any) {
	e := s.c.ByRole(r)
	if e == nil || len(rooms) == 0 {
		return
	}
	s.m.broadcasts.WithLabelValues(e.Name).Inc()
	for _, ns := range e.Namespaces {
		nsp := s.nsps[ns]
		if nsp == nil || (s.cluster == nil && !anyoneIn(nsp, rooms, except)) {
			continue // in memory: nobody to send to, so no packet to encode
		}
		op := nsp.To(rooms...)
		if except != "" {
			op = op.Except(socket.Room(except))
		}
		_ = op.Emit(e.Name, payload)
	}
}

// notifyMembers sends conversation:updated to every member's user room, each with
// that member's own unread count; skip (when set) does not get it. Members with the
// same count share one broadcast to all their user rooms, so the payload is encoded
// once per distinct count rather than once per member (a socket is in its own user
// room only, so each still gets exactly one).
func (s *Server) notifyMembers(c *store.Conversation, skip socket.SocketId) {
	ctx, cancel := s.storeCtx()
	defer cancel()
	members, err := s.st.Conversations.Members(ctx, c.TenantID, c.ID)
	if err != nil {
		s.log.Warn("members lookup failed", "conversation", c.ID, "err", err)
		return
	}
	type group struct {
		unread int64
		rooms  []socket.Room
	}
	var groups []group // few: usually the sender at 0 and the others at one count
	for _, u := range members {
		unread, err := s.st.Conversations.Unread(ctx, c.TenantID, c.ID, u)
		if err != nil {
			s.log.Warn("unread lookup failed", "conversation", c.ID, "err", err)
			continue
		}
		i := 0
		for i < len(groups) && groups[i].unread != unread {
			i++
		}
		if i == len(groups) {
			groups = append(groups, group{unread: unread})
		}
		groups[i].rooms = append(groups[i].rooms, s.rooms.user(c.TenantID, u))
	}
	for _, g := range groups {
		s.broadcast(spec.ConversationUpdated, g.rooms, skip, conversationUpdatedOf(c, g.unread))
	}
}

// announceNew sends conversation:new to the conversation's workspace.
func (s *Server) announceNew(c *store.Conversation) {
	s.broadcast(spec.ConversationNew, []socket.Room{s.rooms.workspace(c.TenantID, c.WorkspaceID)}, "",
		conversationNewOf(c))
}

// anyoneIn reports whether the namespace has a local socket other than except in
// one of the rooms; skipping the others saves encoding the packet for nobody (a
// sender alone in its conversation, a namespace without the rooms).
func anyoneIn(nsp socket.Namespace, rooms []socket.Room, except socket.SocketId) bool {
	all := nsp.Adapter().Rooms()
	for _, r := range rooms {
		members, ok := all.Load(r)
		if !ok {
			continue
		}
		if n := members.Len(); n > 1 || n == 1 && (except == "" || !members.Has(except)) {
			return true
		}
	}
	return false
}
