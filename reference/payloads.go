package reference

import (
	"strings"

	"github.com/utalk/rtconform/reference/store"
)

// The payloads the server sends, field for field the contract's schemas. A nil
// pointer encodes as JSON null where the schema allows null.

type envelope struct {
	Code          string         `json:"code"`
	Message       string         `json:"message"`
	Details       map[string]any `json:"details,omitempty"`
	Event         string         `json:"event,omitempty"`
	CorrelationID string         `json:"correlationId,omitempty"`
}

type messageSent struct {
	ID             string  `json:"id"`
	MessageID      string  `json:"messageId"`
	ConversationID string  `json:"conversationId"`
	Status         string  `json:"status"`
	TwilioSid      *string `json:"twilioSid"`
	SentAt         string  `json:"sentAt"`
	Seq            int64   `json:"seq"`
	Duplicate      bool    `json:"duplicate,omitempty"`
}

type messageError struct {
	MessageID      string   `json:"messageId"`
	ConversationID string   `json:"conversationId,omitempty"`
	Error          envelope `json:"error"`
}

type messageNew struct {
	ID             string         `json:"id"`
	MessageID      string         `json:"messageId"`
	ConversationID string         `json:"conversationId"`
	Type           string         `json:"type"`
	Text           *string        `json:"text"`
	Sender         string         `json:"sender"`
	Direction      string         `json:"direction"`
	Status         string         `json:"status"`
	MediaID        *string        `json:"mediaId"`
	Location       map[string]any `json:"location,omitempty"`
	Metadata       map[string]any `json:"metadata,omitempty"`
	CreatedAt      string         `json:"createdAt"`
	Seq            int64          `json:"seq"`
}

type messageStatus struct {
	ID             string `json:"id"`
	MessageID      string `json:"messageId"`
	ConversationID string `json:"conversationId"`
	Status         string `json:"status"`
	DeliveredAt    string `json:"deliveredAt,omitempty"`
	ReadAt         string `json:"readAt,omitempty"`
}

type lastMessage struct {
	ID        string  `json:"id"`
	Text      *string `json:"text"`
	Sender    string  `json:"sender"`
	CreatedAt string  `json:"createdAt"`
	Seq       int64   `json:"seq"`
}

type conversationUpdated struct {
	ID            string       `json:"id"`
	Status        string       `json:"status"`
	AssignedAgent *string      `json:"assignedAgent"`
	BotEnabled    bool         `json:"botEnabled"`
	LastMessage   *lastMessage `json:"lastMessage"`
	UnreadCount   int64        `json:"unreadCount"`
	UpdatedAt     string       `json:"updatedAt"`
}

type conversationNew struct {
	ID            string   `json:"id"`
	Participants  []string `json:"participants"`
	Status        string   `json:"status"`
	Channel       string   `json:"channel"`
	AssignedAgent *string  `json:"assignedAgent"`
	BotEnabled    bool     `json:"botEnabled"`
	CreatedAt     string   `json:"createdAt"`
}

type presenceUser struct {
	UserID string `json:"userId"`
	Email  string `json:"email,omitempty"`
	Status string `json:"status,omitempty"`
	Role   string `json:"role"`
	// Exactly one of the times is set, by event.
	LastSeen       string `json:"lastSeen,omitempty"`
	ConnectedAt    string `json:"connectedAt,omitempty"`
	DisconnectedAt string `json:"disconnectedAt,omitempty"`
}

type syncConversation struct {
	ID          string       `json:"id"`
	Status      string       `json:"status"`
	UnreadCount int64        `json:"unreadCount"`
	LastMessage *lastMessage `json:"lastMessage"`
	LastSeq     int64        `json:"lastSeq"`
	OldestSeq   int64        `json:"oldestSeq"`
}

type onlineUser struct {
	UserID string `json:"userId"`
	Status string `json:"status"`
	Role   string `json:"role"`
}

type gap struct {
	ConversationID string `json:"conversationId"`
	FromSeq        int64  `json:"fromSeq"`
	ToSeq          int64  `json:"toSeq"`
}

type stateSynced struct {
	SyncID        string             `json:"syncId"`
	Conversations []syncConversation `json:"conversations"`
	UnreadCounts  map[string]int64   `json:"unreadCounts"`
	OnlineUsers   []onlineUser       `json:"onlineUsers"`
	ServerTime    string             `json:"serverTime"`
	Messages      []messageNew       `json:"messages"`
	HasMore       bool               `json:"hasMore"`
	Gaps          []gap              `json:"gaps,omitempty"`
}

// clientMessageID is the messageId a client sees: mutations that re-key the
// store append "#..." to it.
func clientMessageID(m *store.Message) string {
	id, _, _ := strings.Cut(m.MessageID, "#")
	return id
}

func (s *Server) messageNewOf(m *store.Message) messageNew {
	return messageNew{ID: m.ID, MessageID: clientMessageID(m), ConversationID: m.ConversationID,
		Type: m.Type, Text: m.Text, Sender: m.Sender, Direction: m.Direction, Status: m.Status,
		MediaID: m.MediaID, Location: m.Location, Metadata: m.Metadata,
		CreatedAt: stamp(m.CreatedAt), Seq: m.Seq}
}

// sentStatus maps a stored status onto message:sent's enum (sent, delivered, read).
func sentStatus(status string) string {
	switch status {
	case "delivered", "read":
		return status
	}
	return "sent"
}

func messageSentOf(m *store.Message, dup bool) messageSent {
	var sid *string
	if m.TwilioSid != "" {
		sid = &m.TwilioSid
	}
	return messageSent{ID: m.ID, MessageID: clientMessageID(m), ConversationID: m.ConversationID,
		Status: sentStatus(m.Status), TwilioSid: sid, SentAt: stamp(m.CreatedAt), Seq: m.Seq, Duplicate: dup}
}

func lastMessageOf(m *store.Message) *lastMessage {
	if m == nil {
		return nil
	}
	return &lastMessage{ID: m.ID, Text: m.Text, Sender: m.Sender, CreatedAt: stamp(m.CreatedAt), Seq: m.Seq}
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func conversationUpdatedOf(c *store.Conversation, unread int64) conversationUpdated {
	return conversationUpdated{ID: c.ID, Status: c.Status, AssignedAgent: optional(c.AssignedAgent),
		BotEnabled: c.BotEnabled, LastMessage: lastMessageOf(c.LastMessage), UnreadCount: unread,
		UpdatedAt: stamp(c.UpdatedAt)}
}

func conversationNewOf(c *store.Conversation) conversationNew {
	return conversationNew{ID: c.ID, Participants: c.Participants, Status: c.Status, Channel: c.Channel,
		AssignedAgent: optional(c.AssignedAgent), BotEnabled: c.BotEnabled, CreatedAt: stamp(c.CreatedAt)}
}
