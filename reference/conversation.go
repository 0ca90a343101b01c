package reference

import (
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/utalk/rtconform/reference/store"
	"github.com/utalk/rtconform/spec"
)

// Channels and statuses the server writes (schema enums).
const (
	channelWhatsApp = "whatsapp"
	channelInternal = "internal"
	statusOpen      = "open"
	statusEscalated = "escalated"
)

var (
	phoneLoose  = regexp.MustCompile(`^\+[0-9]{7,15}$`)
	phoneStrict = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`) // E.164
)

// whatsAppParties splits conv_{customer}_{business}; ok is false for an internal id.
func whatsAppParties(convID string) (customer, business string, ok bool) {
	rest, found := strings.CutPrefix(convID, "conv_")
	if !found {
		return "", "", false
	}
	customer, business, found = strings.Cut(rest, "_")
	if !found || !phoneLoose.MatchString(customer) || !phoneLoose.MatchString(business) {
		return "", "", false
	}
	return customer, business, true
}

// whatsAppConversationID is the id of a customer's conversation with a business number.
func whatsAppConversationID(customer, business string) string {
	return "conv_" + customer + "_" + business
}

// newConversation is a fresh conversation of the workspace; its channel follows
// from its id.
func newConversation(tenant, workspace, id, creator string, now time.Time) *store.Conversation {
	c := &store.Conversation{TenantID: tenant, WorkspaceID: workspace, ID: id, Channel: channelInternal,
		Participants: []string{creator}, Status: statusOpen, BotEnabled: true, CreatedAt: now, UpdatedAt: now}
	if customer, business, ok := whatsAppParties(id); ok {
		c.Channel, c.Participants = channelWhatsApp, []string{customer, business}
	}
	return c
}

// ensureConversation returns the conversation the request names, creating it in
// the socket's workspace when it does not exist (create-or-member). It answers
// ACCESS_DENIED itself when another workspace won a concurrent creation.
func (r *request) ensureConversation(id string) (c *store.Conversation, created bool, ok bool) {
	if r.conv != nil {
		return r.conv, false, true
	}
	c, created, err := r.srv.st.Conversations.Create(r.ctx,
		newConversation(r.id.TenantID, r.id.WorkspaceID, id, r.id.UserID, time.Now()))
	if err != nil {
		r.internal(err)
		return nil, false, false
	}
	if c.WorkspaceID != r.id.WorkspaceID {
		r.fail(spec.CodeAccessDenied, "No tienes acceso a esta conversación", nil)
		return nil, false, false
	}
	if created {
		r.srv.announceNew(c)
	}
	r.conv = c
	return c, created, true
}

// join makes the user a member (ROOM_FULL when the conversation is full) and the
// socket part of the conversation room.
func (r *request) join(c *store.Conversation) bool {
	limit := r.srv.c.Limits.MaxUsersPerRoom
	if _, err := r.srv.st.Conversations.AddMember(r.ctx, c.TenantID, c.ID, r.id.UserID, limit); err != nil {
		if errors.Is(err, store.ErrRoomFull) {
			r.fail(spec.CodeRoomFull, "La conversación está llena", map[string]any{"limit": limit})
			return false
		}
		r.internal(err)
		return false
	}
	// Most sends come from a socket already in the room: joining again costs the
	// adapter a set and map writes for nothing. Only this socket's own handlers
	// (which run one at a time) join or leave it.
	if room := r.srv.rooms.conversation(c.TenantID, c.ID); !r.ss.sock.Rooms().Has(room) {
		r.ss.sock.Join(room)
	}
	return true
}
