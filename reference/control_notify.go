package reference

import (
	"net/http"
	"time"

	"github.com/zishang520/socket.io/servers/socket/v3"

	"github.com/utalk/rtconform/spec"
)

type notification struct {
	ID        string         `json:"id" msgpack:"id"`
	Type      string         `json:"type" msgpack:"type"`
	Title     string         `json:"title" msgpack:"title"`
	Message   string         `json:"message" msgpack:"message"`
	Data      map[string]any `json:"data,omitempty" msgpack:"data,omitempty"`
	Timestamp string         `json:"timestamp" msgpack:"timestamp"`
}

type systemNotification struct {
	Type        string `json:"type" msgpack:"type"`
	Message     string `json:"message" msgpack:"message"`
	ScheduledAt string `json:"scheduledAt,omitempty" msgpack:"scheduledAt,omitempty"`
}

// handleNotify sends a notification to one user, workspace or role of a tenant.
func (s *Server) handleNotify(w http.ResponseWriter, r *http.Request) {
	var in struct {
		TenantID    string         `json:"tenantId" msgpack:"tenantId"`
		Type        string         `json:"type" msgpack:"type"`
		Title       string         `json:"title" msgpack:"title"`
		Message     string         `json:"message" msgpack:"message"`
		Data        map[string]any `json:"data" msgpack:"data"`
		UserID      string         `json:"userId" msgpack:"userId"`
		WorkspaceID string         `json:"workspaceId" msgpack:"workspaceId"`
		Role        string         `json:"role" msgpack:"role"`
	}
	if !decodeBody(w, r, &in) || !required(w, "/tenantId", in.TenantID) ||
		!ids(w, "/tenantId", in.TenantID, "/userId", in.UserID, "/workspaceId", in.WorkspaceID) {
		return
	}
	switch in.Role {
	case "", "admin", "agent", "bot":
	default:
		badField(w, "/role", "se esperaba admin, agent o bot")
		return
	}
	var room socket.Room
	targets := 0
	if in.UserID != "" {
		room, targets = s.rooms.user(in.TenantID, in.UserID), targets+1
	}
	if in.WorkspaceID != "" {
		room, targets = s.rooms.workspace(in.TenantID, in.WorkspaceID), targets+1
	}
	if in.Role != "" {
		room, targets = s.rooms.role(in.TenantID, in.Role), targets+1
	}
	if targets != 1 {
		badField(w, "/userId", "indique exactamente uno de userId, workspaceId o role")
		return
	}
	p := notification{ID: newID("notification_"), Type: in.Type, Title: in.Title, Message: in.Message,
		Data: in.Data, Timestamp: stamp(time.Now())}
	if !s.checkPayload(w, spec.Notification, p) {
		return
	}
	s.broadcast(spec.Notification, []socket.Room{room}, "", p)
	writeJSON(w, http.StatusAccepted, map[string]any{"id": p.ID})
}

// handleNotifySystem sends system:notification to every socket of a tenant.
func (s *Server) handleNotifySystem(w http.ResponseWriter, r *http.Request) {
	var in struct {
		TenantID    string `json:"tenantId" msgpack:"tenantId"`
		Type        string `json:"type" msgpack:"type"`
		Message     string `json:"message" msgpack:"message"`
		ScheduledAt string `json:"scheduledAt" msgpack:"scheduledAt"`
	}
	if !decodeBody(w, r, &in) || !required(w, "/tenantId", in.TenantID) || !ids(w, "/tenantId", in.TenantID) {
		return
	}
	p := systemNotification{Type: in.Type, Message: in.Message, ScheduledAt: in.ScheduledAt}
	if !s.checkPayload(w, spec.SystemNotification, p) {
		return
	}
	s.broadcast(spec.SystemNotification, []socket.Room{s.rooms.tenant(in.TenantID)}, "", p)
	w.WriteHeader(http.StatusAccepted)
}
