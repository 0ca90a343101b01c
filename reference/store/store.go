// Package store holds the reference server's state behind small interfaces, each with
// an in-memory implementation (package store, the embedded default) and a Redis one
// (package reference/store/redisstore). One shared contract test
// (storetest.Run) runs against both.
package store

import (
	"context"
	"errors"
	"time"
)

// Errors the stores return; callers match them with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrRoomFull = errors.New("room full")
	// ErrConflict is returned by AppendMessage when the idempotency key is already
	// used, in the same tenant, for a message with another fingerprint.
	ErrConflict = errors.New("idempotency key reused with another body")
)

// Conversation is a conversation of one tenant and workspace. IDs are scoped per
// tenant: (TenantID, ID) is the key.
type Conversation struct {
	TenantID      string    `json:"tenantId"`
	WorkspaceID   string    `json:"workspaceId"`
	ID            string    `json:"id"`
	Channel       string    `json:"channel"`
	Participants  []string  `json:"participants"`
	Status        string    `json:"status"`
	AssignedAgent string    `json:"assignedAgent,omitempty"`
	AgentName     string    `json:"agentName,omitempty"`
	BotEnabled    bool      `json:"botEnabled"`
	EscalationID  string    `json:"escalationId,omitempty"` // pending escalation, if any
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`
	LastSeq       int64     `json:"lastSeq"`
	LastMessage   *Message  `json:"lastMessage,omitempty"`
}

// Message is a stored message. Seq is assigned by AppendMessage: 1 for the first
// message of a conversation, +1 for each next one.
type Message struct {
	TenantID       string         `json:"tenantId"`
	ID             string         `json:"id"`        // server id, msg_...
	MessageID      string         `json:"messageId"` // the client's idempotency key
	ConversationID string         `json:"conversationId"`
	Seq            int64          `json:"seq"`
	Type           string         `json:"type"`
	Text           *string        `json:"text,omitempty"`
	MediaID        *string        `json:"mediaId,omitempty"`
	Location       map[string]any `json:"location,omitempty"`
	Metadata       map[string]any `json:"metadata,omitempty"`
	Sender         string         `json:"sender"`
	SenderUserID   string         `json:"senderUserId,omitempty"` // empty for customers
	Direction      string         `json:"direction"`              // inbound | outbound
	Status         string         `json:"status"`
	TwilioSid      string         `json:"twilioSid,omitempty"`
	Fingerprint    string         `json:"fingerprint"` // hash of what the client sent
	CreatedAt      time.Time      `json:"createdAt"`
	DeliveredAt    time.Time      `json:"deliveredAt,omitzero"`
	ReadAt         time.Time      `json:"readAt,omitzero"`
}

// Conversations stores conversations and their membership.
type Conversations interface {
	// Get returns the conversation or ErrNotFound.
	Get(ctx context.Context, tenant, id string) (*Conversation, error)
	// Create stores c unless (c.TenantID, c.ID) exists; it returns the stored
	// conversation and whether this call created it. Atomic across instances.
	Create(ctx context.Context, c *Conversation) (*Conversation, bool, error)
	// Update applies fn to the stored conversation atomically and stores the result.
	Update(ctx context.Context, tenant, id string, fn func(*Conversation) error) (*Conversation, error)
	// AddMember adds user to the conversation's members unless it already holds max
	// members (ErrRoomFull). It reports whether the user was new.
	AddMember(ctx context.Context, tenant, id, user string, max int) (bool, error)
	// RemoveMember removes user from the members.
	RemoveMember(ctx context.Context, tenant, id, user string) error
	// Members lists the members' user ids.
	Members(ctx context.Context, tenant, id string) ([]string, error)
	// Of lists the ids of the conversations user is a member of.
	Of(ctx context.Context, tenant, user string) ([]string, error)
	// MarkRead records that user read up to seq (never moving backwards) and returns
	// the user's unread count (LastSeq minus the read mark).
	MarkRead(ctx context.Context, tenant, id, user string, seq int64) (int64, error)
	// Unread returns the user's unread count.
	Unread(ctx context.Context, tenant, id, user string) (int64, error)
}

// Messages stores messages with dedup by idempotency key.
type Messages interface {
	// Append stores m with the next seq of its conversation, unless its
	// (TenantID, MessageID) is already known: then it returns the stored message and
	// duplicate=true (or ErrConflict when the fingerprint differs). It updates the
	// conversation's LastSeq and LastMessage, keeps at most retain messages of the
	// conversation and remembers the key for ttl. Atomic across instances.
	Append(ctx context.Context, m *Message, ttl time.Duration, retain int) (stored *Message, duplicate bool, err error)
	// ByID returns a message by its server id, or ErrNotFound.
	ByID(ctx context.Context, tenant, id string) (*Message, error)
	// BySid returns a message by its Twilio sid, or ErrNotFound.
	BySid(ctx context.Context, sid string) (*Message, error)
	// SetStatus moves a message's status forward (sent < delivered < read) and
	// records the time; a status that is not forward is ignored (changed=false).
	SetStatus(ctx context.Context, tenant, id, status string, at time.Time) (m *Message, changed bool, err error)
	// After returns up to limit messages with seq > afterSeq in seq order, and the
	// lowest seq still retained (0 when none).
	After(ctx context.Context, tenant, conversation string, afterSeq int64, limit int) ([]*Message, int64, error)
}

// Presence counts each user's sockets across instances.
type Presence interface {
	// Add records a socket of user e; first is true when it is the user's first socket
	// anywhere. count is the user's socket count after the add.
	Add(ctx context.Context, e PresenceEntry, socket, instance string) (first bool, count int, err error)
	// Remove forgets a socket; last is true when it was the user's last one.
	Remove(ctx context.Context, tenant, user, socket string) (last bool, err error)
	// Online lists the online users of a tenant with one of their entries.
	Online(ctx context.Context, tenant string) ([]PresenceEntry, error)
	// Heartbeat keeps this instance's entries alive; entries of an instance that
	// stopped heart-beating for the presence TTL are dropped, and the users that went
	// offline because of it are returned so their offline events can be sent.
	Heartbeat(ctx context.Context, instance string, ttl time.Duration) (wentOffline []PresenceEntry, err error)
}

// PresenceEntry is one online user.
type PresenceEntry struct {
	TenantID    string `json:"tenantId"`
	WorkspaceID string `json:"workspaceId"`
	UserID      string `json:"userId"`
	Role        string `json:"role"`
	Email       string `json:"email,omitempty"`
}

// Expulsions remembers expelled users so that their older tokens are refused.
type Expulsions interface {
	// Expel records that tokens of user issued at or before at are refused for ttl.
	Expel(ctx context.Context, tenant, user string, at time.Time, ttl time.Duration) error
	// ExpelledAt returns the time of the user's last expulsion, if one is in force.
	ExpelledAt(ctx context.Context, tenant, user string) (time.Time, bool, error)
}

// Stores bundles the four stores; Close releases their connections.
type Stores struct {
	Conversations Conversations
	Messages      Messages
	Presence      Presence
	Expulsions    Expulsions
	Close         func() error
}
