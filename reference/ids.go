package reference

import (
	"crypto/rand"
	"encoding/hex"
)

// randomHex returns 2n lower-case hex digits from crypto/rand.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails on supported platforms
	return hex.EncodeToString(b)
}

// newTwilioSid returns a Twilio-style message sid: SM and 32 hex digits.
func newTwilioSid() string { return "SM" + randomHex(16) }

// newID returns prefix followed by 32 hex digits (msg_, media_, escalation_ ...).
func newID(prefix string) string { return prefix + randomHex(16) }
