package reference

import (
	"strings"

	"github.com/utalk/rtconform/reference/store"
)

// The payloads the server sends, field for field the contract's schemas. A nil
// pointer encodes as JSON null where the schema allows null.

type envelope struct {
	Code          string         `json:"code" msgpack:"code"`
	Message       string         `json:"message" msgpack:"message"`
	Details       map[string]any `json:"details,omitempty" msgpack:"details,omitempty"`
	Event         string         `json:"event,omitempty" msgpack:"event,omitempty"`
	CorrelationID string         `json:"correlationId,omitempty" msgpack:"correlationId,omitempty"`
}

type messageSent struct {
	ID             string  `json:"id" msgpack:"id"`
	MessageID      string  `json:"messageId" msgpack:"messageId"`
	ConversationID string  `json:"conversationId" msgpack:"conversationId"`
	Status         string  `json:"status" msgpack:"status"`
	TwilioSid      *string `json:"twilioSid" msgpack:"twilioSid"`
	SentAt         string  `json:"sentAt" msgpack:"sentAt"`
	Seq            int64   `json:"seq" msgpack:"seq"`
	Duplicate      bool    `json:"duplicate,omitempty" msgpack:"duplicate,omitempty"`
}

type messageError struct {
	MessageID      string   `json:"messageId" msgpack:"messageId"`
	ConversationID string   `json:"conversationId,omitempty" msgpack:"conversationId,omitempty"`
	Error          envelope `json:"error" msgpack:"error"`
}

type messageNew struct {
	ID             string         `json:"id" msgpack:"id"`
	MessageID      string         `json:"messageId" msgpack:"messageId"`
	ConversationID string         `json:"conversationId" msgpack:"conversationId"`
	Type           string         `json:"type" msgpack:"type"`
	Text           *string        `json:"text" msgpack:"text"`
	Sender         string         `json:"sender" msgpack:"sender"`
	Direction      string         `json:"direction" msgpack:"direction"`
	Status         string         `json:"status" msgpack:"status"`
	MediaID        *string        `json:"mediaId" msgpack:"mediaId"`
	Location       map[string]any `json:"location,omitempty" msgpack:"location,omitempty"`
	Metadata       map[string]any `json:"metadata,omitempty" msgpack:"metadata,omitempty"`
	CreatedAt      string         `json:"createdAt" msgpack:"createdAt"`
	Seq            int64          `json:"seq" msgpack:"seq"`
}

type messageStatus struct {
	ID             string `json:"id" msgpack:"id"`
	MessageID      string `json:"messageId" msgpack:"messageId"`
	ConversationID string `json:"conversationId" msgpack:"conversationId"`
	Status         string `json:"status" msgpack:"status"`
	DeliveredAt    string `json:"deliveredAt,omitempty" msgpack:"deliveredAt,omitempty"`
	ReadAt         string `json:"readAt,omitempty" msgpack:"readAt,omitempty"`
}

type lastMessage struct {
	ID        string  `json:"id" msgpack:"id"`
	Text      *string `json:"text" msgpack:"text"`
	Sender    string  `json:"sender" msgpack:"sender"`
	CreatedAt string  `json:"createdAt" msgpack:"createdAt"`
	Seq       int64   `json:"seq" msgpack:"seq"`
}

type conversationUpdated struct {
	ID            string       `json:"id" msgpack:"id"`
	Status        string       `json:"status" msgpack:"status"`
	AssignedAgent *string      `json:"assignedAgent" msgpack:"assignedAgent"`
	BotEnabled    bool         `json:"botEnabled" msgpack:"botEnabled"`
	LastMessage   *lastMessage `json:"lastMessage" msgpack:"lastMessage"`
	UnreadCount   int64        `json:"unreadCount" msgpack:"unreadCount"`
	UpdatedAt     string       `json:"updatedAt" msgpack:"updatedAt"`
}

type conversationNew struct {
	ID            string   `json:"id" msgpack:"id"`
	Participants  []string `json:"participants" msgpack:"participants"`
	Status        string   `json:"status" msgpack:"status"`
	Channel       string   `json:"channel" msgpack:"channel"`
	AssignedAgent *string  `json:"assignedAgent" msgpack:"assignedAgent"`
	BotEnabled    bool     `json:"botEnabled" msgpack:"botEnabled"`
	CreatedAt     string   `json:"createdAt" msgpack:"createdAt"`
}

type presenceUser struct {
	UserID string `json:"userId" msgpack:"userId"`
	Email  string `json:"email,omitempty" msgpack:"email,omitempty"`
	Status string `json:"status,omitempty" msgpack:"status,omitempty"`
	Role   string `json:"role" msgpack:"role"`
	// Exactly one of the times is set, by event.
	LastSeen       string `json:"lastSeen,omitempty" msgpack:"lastSeen,omitempty"`
	ConnectedAt    string `json:"connectedAt,omitempty" msgpack:"connectedAt,omitempty"`
	DisconnectedAt string `json:"disconnectedAt,omitempty" msgpack:"disconnectedAt,omitempty"`
}

type syncConversation struct {
	ID          string       `json:"id" msgpack:"id"`
	Status      string       `json:"status" msgpack:"status"`
	UnreadCount int64        `json:"unreadCount" msgpack:"unreadCount"`
	LastMessage *lastMessage `json:"lastMessage" msgpack:"lastMessage"`
	LastSeq     int64        `json:"lastSeq" msgpack:"lastSeq"`
	OldestSeq   int64        `json:"oldestSeq" msgpack:"oldestSeq"`
}

type onlineUser struct {
	UserID string `json:"userId" msgpack:"userId"`
	Status string `json:"status" msgpack:"status"`
	Role   string `json:"role" msgpack:"role"`
}

type gap struct {
	ConversationID string `json:"conversationId" msgpack:"conversationId"`
	FromSeq        int64  `json:"fromSeq" msgpack:"fromSeq"`
	ToSeq          int64  `json:"toSeq" msgpack:"toSeq"`
}

type stateSynced struct {
	SyncID        string             `json:"syncId" msgpack:"syncId"`
	Conversations []syncConversation `json:"conversations" msgpack:"conversations"`
	UnreadCounts  map[string]int64   `json:"unreadCounts" msgpack:"unreadCounts"`
	OnlineUsers   []onlineUser       `json:"onlineUsers" msgpack:"onlineUsers"`
	ServerTime    string             `json:"serverTime" msgpack:"serverTime"`
	Messages      []messageNew       `json:"messages" msgpack:"messages"`
	HasMore       bool               `json:"hasMore" msgpack:"hasMore"`
	Gaps          []gap              `json:"gaps,omitempty" msgpack:"gaps,omitempty"`
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
