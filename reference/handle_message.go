package reference

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"regexp"
	"time"
	"unicode/utf8"

	"github.com/zishang520/socket.io/servers/socket/v3"

	"github.com/utalk/rtconform/reference/store"
	"github.com/utalk/rtconform/spec"
)

// handleSend stores a message (deduplicated per tenant by messageId), answers
// message:sent, and tells the conversation: message:new to the room (not the
// sending socket), conversation:updated to each member. Per conversation, the
// store's append and the broadcast run under one lock, so members see seq order.
func (r *request) handleSend() {
	s := r.srv
	convID, _ := r.p["conversationId"].(string)
	unlock := s.convMu.lock(r.id.TenantID + "\x00" + convID)
	defer unlock()
	conv, _, ok := r.ensureConversation(convID)
	if !ok || !r.join(conv) {
		return
	}
	m := r.newMessage(conv)
	stored, dup, err := s.append(conv, m)
	switch {
	case errors.Is(err, store.ErrConflict):
		details := map[string]any{}
		if id := conflictID(stored, err); id != "" {
			details["id"] = id
		}
		r.fail(spec.CodeIdempotencyConflict, "El messageId ya se usó con otro contenido", details)
		return
	case err != nil:
		r.internal(err)
		return
	}
	r.reply(messageSentOf(stored, dup))
	if dup {
		return
	}
	room := s.rooms.conversation(conv.TenantID, conv.ID)
	if s.mut.on(MutationNoSeqOrder) {
		s.timers.after(time.Duration(rand.IntN(30))*time.Millisecond, func() {
			s.broadcast(spec.MessageNew, []socket.Room{room}, r.ss.sock.Id(), s.messageNewOf(stored))
		})
	} else {
		s.broadcast(spec.MessageNew, []socket.Room{room}, r.ss.sock.Id(), s.messageNewOf(stored))
	}
	if _, err := s.st.Conversations.MarkRead(r.ctx, conv.TenantID, conv.ID, r.id.UserID, stored.Seq); err != nil {
		s.log.Warn("mark read failed", "conversation", conv.ID, "err", err)
	}
	if c, err := s.st.Conversations.Get(r.ctx, conv.TenantID, conv.ID); err == nil {
		conv = c
	}
	s.notifyMembers(conv, "")
	if conv.Channel == channelWhatsApp {
		s.simulateDelivery(r, conv, stored)
	}
}

// newMessage builds the message to store from the validated payload.
func (r *request) newMessage(conv *store.Conversation) *store.Message {
	p := r.p
	typ, _ := p["type"].(string)
	if typ == "" {
		typ = "text"
	}
	m := &store.Message{TenantID: r.id.TenantID, MessageID: r.corr, ConversationID: conv.ID, Type: typ,
		Sender: r.id.UserID, SenderUserID: r.id.UserID, Direction: "outbound", Status: "sent",
		CreatedAt: time.Now()}
	if t, ok := p["text"].(string); ok {
		m.Text = &t
	}
	if id, ok := p["mediaId"].(string); ok {
		m.MediaID = &id
	}
	m.Location, _ = p["location"].(map[string]any)
	m.Metadata, _ = p["metadata"].(map[string]any)
	if conv.Channel == channelWhatsApp {
		m.TwilioSid = newTwilioSid()
	}
	m.Fingerprint = fingerprint(conv.ID, typ, m.Text, m.MediaID, m.Location)
	switch {
	case r.srv.mut.on(MutationNoDedup):
		m.MessageID += "#" + randomHex(8)
	case r.srv.mut.on(MutationDedupPerSocket):
		m.MessageID += "#" + string(r.ss.sock.Id())
	}
	return m
}

// fingerprint identifies what a client sent under one idempotency key (D6): the
// same key with another fingerprint is an IDEMPOTENCY_CONFLICT. It is the SHA-256
// of json.Marshal([conv, typ, text, media, loc]) (stored fingerprints must keep
// their value across versions), built by hand when no string needs escaping.
func fingerprint(conv, typ string, text, media *string, loc map[string]any) string {
	var buf [512]byte
	b, ok := appendFingerprintJSON(buf[:0], conv, typ, text, media, loc)
	if !ok {
		b, _ = json.Marshal([]any{conv, typ, text, media, loc})
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// appendFingerprintJSON appends what json.Marshal writes for the fingerprint's
// array, or reports false when a string needs escaping or loc is set (then
// json.Marshal itself runs).
func appendFingerprintJSON(b []byte, conv, typ string, text, media *string, loc map[string]any) ([]byte, bool) {
	if loc != nil || !plainJSONString(conv) || !plainJSONString(typ) ||
		text != nil && !plainJSONString(*text) || media != nil && !plainJSONString(*media) {
		return b, false
	}
	b = append(append(append(b, `["`...), conv...), `","`...)
	b = append(append(b, typ...), `",`...)
	for _, s := range [2]*string{text, media} {
		if s == nil {
			b = append(b, "null,"...)
		} else {
			b = append(append(append(b, '"'), *s...), `",`...)
		}
	}
	return append(b, "null]"...), true
}

// plainJSONString reports whether encoding/json writes s as is between quotes:
// valid UTF-8 with no control character, quote, backslash, HTML-escaped byte
// (< > &) or U+2028/U+2029.
func plainJSONString(s string) bool {
	ascii := true
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9): // U+2028, U+2029
			return false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return ascii || utf8.ValidString(s)
}

// append stores m. Under MutationLoseAfterRedisRecovery a message accepted while
// Redis is down is answered and delivered live but never stored, so no sync:state
// can recover it, before or after the recovery.
func (s *Server) append(conv *store.Conversation, m *store.Message) (*store.Message, bool, error) {
	if s.mut.on(MutationLoseAfterRedisRecovery) && s.redisStatus() == "degraded" {
		lost := *m
		lost.ID, lost.Seq = store.NewMessageID(), conv.LastSeq+1
		return &lost, false, nil
	}
	ctx, cancel := s.storeCtx()
	defer cancel()
	return s.st.Messages.Append(ctx, m, s.c.Limits.DedupTTL(), s.cfg.Retention)
}

var storedAs = regexp.MustCompile(`stored as \S*(msg_[A-Za-z0-9_-]{1,64})\)`)

// conflictID is the server id of the message that holds a reused key (D6
// details.id). The stores return no message with ErrConflict, only its id in the
// error text, so it is read from there until they do.
func conflictID(stored *store.Message, err error) string {
	if stored != nil {
		return stored.ID
	}
	if m := storedAs.FindStringSubmatch(err.Error()); m != nil {
		return m[1]
	}
	return ""
}
