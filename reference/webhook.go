package reference

import (
	"errors"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zishang520/socket.io/servers/socket/v3"

	"github.com/utalk/rtconform/reference/store"
	"github.com/utalk/rtconform/spec"
)

var twilioSidPattern = regexp.MustCompile(`^(SM|MM)[0-9a-fA-F]{32}$`)

// handleInbound is Twilio's incoming-message webhook: a customer's WhatsApp
// message to a business number becomes an inbound message of conversation
// conv_{From}_{To} in the number's tenant and workspace (created if new), deduped
// by MessageSid because Twilio retries webhooks.
func (s *Server) handleInbound(w http.ResponseWriter, r *http.Request) {
	form, ok := s.twilioForm(w, r)
	if !ok {
		return
	}
	from := strings.TrimPrefix(form.Get("From"), "whatsapp:")
	to := strings.TrimPrefix(form.Get("To"), "whatsapp:")
	sid, body := form.Get("MessageSid"), form.Get("Body")
	switch {
	case !phoneLoose.MatchString(from):
		badField(w, "From", "se esperaba whatsapp:+ y 7 a 15 dígitos")
		return
	case !phoneLoose.MatchString(to):
		badField(w, "To", "se esperaba whatsapp:+ y 7 a 15 dígitos")
		return
	case !twilioSidPattern.MatchString(sid):
		badField(w, "MessageSid", "se esperaba SM y 32 dígitos hexadecimales")
		return
	case utf8.RuneCountInString(body) > s.c.Limits.MaxTextLength:
		badField(w, "Body", "texto demasiado largo")
		return
	}
	typ, media := "text", (*string)(nil)
	if n := form.Get("NumMedia"); n != "" && n != "0" {
		typ = mediaType(form.Get("MediaContentType0"))
		id := "media_" + strings.ToLower(sid[2:])
		media = &id
	} else if body == "" {
		badField(w, "Body", "requerido")
		return
	}
	ch, ok := s.channels.get(to)
	if !ok {
		httpError(w, http.StatusNotFound, codeNotFound, "Número no registrado: "+to, map[string]any{"number": to})
		return
	}
	ctx, now := r.Context(), time.Now()
	convID := whatsAppConversationID(from, to)
	c, created, err := s.st.Conversations.Create(ctx, newConversation(ch.TenantID, ch.WorkspaceID, convID, from, now))
	if err != nil {
		s.webhookFailed(w, err)
		return
	}
	if created {
		s.announceNew(c)
	}
	m := &store.Message{TenantID: c.TenantID, MessageID: sid, ConversationID: c.ID, Type: typ, MediaID: media,
		Sender: from, Direction: "inbound", Status: "received", CreatedAt: now}
	if body != "" {
		m.Text = &body
	}
	if p := form.Get("ProfileName"); p != "" {
		m.Metadata = map[string]any{"profileName": truncate(p, 200)}
	}
	m.Fingerprint = fingerprint(c.ID, typ, m.Text, m.MediaID, nil)
	unlock := s.convMu.lock(c.TenantID + "\x00" + c.ID)
	stored, dup, err := s.st.Messages.Append(ctx, m, s.c.Limits.DedupTTL(), s.cfg.Retention)
	if err == nil && !dup {
		s.broadcast(spec.MessageNew, []socket.Room{s.rooms.conversation(c.TenantID, c.ID)}, "", s.messageNewOf(stored))
		if cur, err := s.st.Conversations.Get(ctx, c.TenantID, c.ID); err == nil {
			c = cur
		}
		s.notifyMembers(c, "")
	}
	unlock()
	if err != nil && !errors.Is(err, store.ErrConflict) { // a conflict is a retry with another body: keep the first
		s.webhookFailed(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	_, _ = w.Write([]byte("<Response/>"))
}

// mediaType is the message type of a MIME type: image/*, audio/*, else file.
func mediaType(mime string) string {
	switch {
	case strings.HasPrefix(mime, "image/"):
		return "image"
	case strings.HasPrefix(mime, "audio/"):
		return "audio"
	}
	return "file"
}

// handleStatusCallback is Twilio's status callback for an outbound message.
func (s *Server) handleStatusCallback(w http.ResponseWriter, r *http.Request) {
	form, ok := s.twilioForm(w, r)
	if !ok {
		return
	}
	sid, status := form.Get("MessageSid"), form.Get("MessageStatus")
	if !required(w, "MessageSid", sid, "MessageStatus", status) {
		return
	}
	switch status {
	case "queued", "sending", "sent", "delivered", "read", "failed", "undelivered":
	default:
		badField(w, "MessageStatus", "estado desconocido: "+status)
		return
	}
	m, err := s.st.Messages.BySid(r.Context(), sid)
	if errors.Is(err, store.ErrNotFound) {
		httpError(w, http.StatusNotFound, codeNotFound, "MessageSid desconocido: "+sid, map[string]any{"sid": sid})
		return
	}
	if err != nil {
		s.webhookFailed(w, err)
		return
	}
	switch status {
	case "delivered", "read":
		s.advanceStatus(m, status)
	case "failed", "undelivered":
		if _, _, err := s.st.Messages.SetStatus(r.Context(), m.TenantID, m.ID, "failed", time.Now()); err != nil {
			s.log.Warn("set status failed", "id", m.ID, "err", err)
		}
		if m.SenderUserID != "" {
			s.broadcast(spec.MessageError, []socket.Room{s.rooms.user(m.TenantID, m.SenderUserID)}, "",
				deliveryFailed(s, m, status))
			s.m.error(string(spec.CodeDeliveryFailed))
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) webhookFailed(w http.ResponseWriter, err error) {
	s.log.Error("webhook failed", "err", err)
	httpError(w, http.StatusInternalServerError, string(spec.CodeInternalError), "Error interno", nil)
}
