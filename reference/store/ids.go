package store

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// NewMessageID returns a fresh server message id, "msg_" and 24 hex digits
// (the contract allows msg_ and 1 to 64 of [A-Za-z0-9_-]). Append uses it
// when a message comes without an id.
func NewMessageID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return "msg_" + hex.EncodeToString(b[:])
}

// checkAppend rejects a message Append cannot key.
func checkAppend(m *Message) error {
	switch {
	case m == nil:
		return fmt.Errorf("append: nil message: %w", ErrInvalid)
	case m.TenantID == "", m.MessageID == "", m.ConversationID == "":
		return fmt.Errorf("append: message needs tenantId, messageId and conversationId: %w", ErrInvalid)
	}
	return nil
}
