package reference

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/zishang520/socket.io/servers/socket/v3"

	"github.com/utalk/rtconform/reference/store"
	"github.com/utalk/rtconform/spec"
)

var (
	mimePattern     = regexp.MustCompile(`^[a-z]+/[A-Za-z0-9.+-]+$`)
	clientIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)
)

// mediaStore keeps uploads in memory, dropping the oldest past a byte budget.
type mediaStore struct {
	mu     sync.Mutex
	budget int64
	used   int64
	order  []string
	items  map[string]mediaItem
}

type mediaItem struct {
	mime string
	data []byte
}

func newMediaStore(budget int64) *mediaStore {
	return &mediaStore{budget: budget, items: map[string]mediaItem{}}
}

func (m *mediaStore) put(id, mime string, data []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.items[id] = mediaItem{mime: mime, data: data}
	m.order = append(m.order, id)
	m.used += int64(len(data))
	for m.used > m.budget && len(m.order) > 1 {
		old := m.order[0]
		m.order = m.order[1:]
		m.used -= int64(len(m.items[old].data))
		delete(m.items, old)
	}
}

func (m *mediaStore) get(id string) (mediaItem, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	it, ok := m.items[id]
	return it, ok
}

type mediaUploaded struct {
	ID             string `json:"id" msgpack:"id"`
	ConversationID string `json:"conversationId" msgpack:"conversationId"`
	MessageID      string `json:"messageId" msgpack:"messageId"`
	Type           string `json:"type" msgpack:"type"`
	MimeType       string `json:"mimeType" msgpack:"mimeType"`
	FileName       string `json:"fileName" msgpack:"fileName"`
	SizeBytes      int64  `json:"sizeBytes" msgpack:"sizeBytes"`
	URL            string `json:"url" msgpack:"url"`
	PublicURL      string `json:"publicUrl" msgpack:"publicUrl"`
	UploadedBy     string `json:"uploadedBy" msgpack:"uploadedBy"`
	CreatedAt      string `json:"createdAt" msgpack:"createdAt"`
}

type uploadProgress struct {
	MessageID      string `json:"messageId" msgpack:"messageId"`
	ConversationID string `json:"conversationId" msgpack:"conversationId"`
	Progress       int    `json:"progress" msgpack:"progress"`
	UploadedBytes  int64  `json:"uploadedBytes" msgpack:"uploadedBytes"`
	TotalBytes     int64  `json:"totalBytes" msgpack:"totalBytes"`
}

// handleUpload is POST /media?conversationId=&messageId=&fileName= with the raw
// file as body and the user's JWT as bearer token. While reading it reports
// media:upload:progress to the uploader's user room, then media:uploaded to the
// conversation room.
func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) {
	raw, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	id, err := s.auth.verify(raw)
	var ae *authError
	if errors.As(err, &ae) {
		httpError(w, http.StatusUnauthorized, string(ae.Code), ae.Message, nil)
		return
	}
	if at, expelled, err := s.st.Expulsions.ExpelledAt(r.Context(), id.TenantID, id.UserID); err == nil && expelled && id.expelledBy(at) {
		httpError(w, http.StatusUnauthorized, string(spec.CodeUserExpelled), "Usuario expulsado", nil)
		return
	}
	q := r.URL.Query()
	convID, msgID, name := q.Get("conversationId"), q.Get("messageId"), q.Get("fileName")
	ctype, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if !required(w, "conversationId", convID, "messageId", msgID, "fileName", name) {
		return
	}
	if !clientIDPattern.MatchString(msgID) {
		badField(w, "messageId", "se esperaba 1 a 128 de [A-Za-z0-9._:-]")
		return
	}
	if r.ContentLength < 0 {
		badField(w, "Content-Length", "requerido")
		return
	}
	if !mimePattern.MatchString(ctype) {
		badField(w, "Content-Type", "se esperaba un tipo MIME como image/jpeg")
		return
	}
	if r.ContentLength > s.cfg.MaxUploadBytes {
		httpError(w, http.StatusRequestEntityTooLarge, string(spec.CodePayloadTooLarge), "Archivo demasiado grande",
			map[string]any{"limit": s.cfg.MaxUploadBytes, "size": r.ContentLength})
		return
	}
	c, ok := s.uploadConversation(w, r, id, convID)
	if !ok {
		return
	}
	userRoom := []socket.Room{s.rooms.user(id.TenantID, id.UserID)}
	total := max(r.ContentLength, 0)
	progress := func(n int64, pct int) {
		s.broadcast(spec.MediaUploadProgress, userRoom, "", uploadProgress{MessageID: msgID, ConversationID: c.ID,
			Progress: pct, UploadedBytes: n, TotalBytes: max(total, n)})
	}
	data, err := readWithProgress(http.MaxBytesReader(w, r.Body, s.cfg.MaxUploadBytes), total, progress)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		httpError(w, http.StatusRequestEntityTooLarge, string(spec.CodePayloadTooLarge), "Archivo demasiado grande",
			map[string]any{"limit": s.cfg.MaxUploadBytes})
		return
	case err != nil:
		badField(w, "(body)", "lectura interrumpida: "+err.Error())
		return
	}
	progress(int64(len(data)), 100)
	mid := newID("media_")
	s.media.put(mid, ctype, data)
	u := requestURL(r)
	base := u[:len(u)-len(r.URL.RequestURI())]
	p := mediaUploaded{ID: mid, ConversationID: c.ID, MessageID: msgID, Type: mediaType(ctype), MimeType: ctype,
		FileName: truncate(name, 255), SizeBytes: int64(len(data)), URL: base + "/media/" + mid,
		PublicURL: base + "/media/" + mid, UploadedBy: id.UserID, CreatedAt: stamp(time.Now())}
	if !s.checkPayload(w, spec.MediaUploaded, p) {
		return
	}
	s.broadcast(spec.MediaUploaded, []socket.Room{s.rooms.conversation(c.TenantID, c.ID)}, "", p)
	writeJSON(w, http.StatusCreated, p)
}

// uploadConversation applies join's access rule: the user's workspace, created
// when missing.
func (s *Server) uploadConversation(w http.ResponseWriter, r *http.Request, id identity, convID string) (*store.Conversation, bool) {
	if e := s.c.ByRole(spec.JoinConversation); e != nil {
		if err := e.Validate(map[string]any{"conversationId": convID}); err != nil {
			badField(w, "conversationId", "identificador de conversación inválido")
			return nil, false
		}
	}
	c, created, err := s.st.Conversations.Create(r.Context(), newConversation(id.TenantID, id.WorkspaceID, convID, id.UserID, time.Now()))
	if err != nil {
		s.webhookFailed(w, err)
		return nil, false
	}
	if c.WorkspaceID != id.WorkspaceID {
		httpError(w, http.StatusForbidden, string(spec.CodeAccessDenied), "No tienes acceso a esta conversación", nil)
		return nil, false
	}
	if created {
		s.announceNew(c)
	}
	return c, true
}

// readWithProgress reads body, calling progress at each quarter (25, 50, 75) it
// passes when the total is known.
func readWithProgress(body io.Reader, total int64, progress func(n int64, pct int)) ([]byte, error) {
	var buf bytes.Buffer
	chunk := make([]byte, 32<<10)
	next := 25
	for {
		n, err := body.Read(chunk)
		buf.Write(chunk[:n])
		if total > 0 {
			for next < 100 && int64(buf.Len())*100 >= int64(next)*total {
				if int64(buf.Len()) < total {
					progress(int64(buf.Len()), next)
				}
				next += 25
			}
		}
		if errors.Is(err, io.EOF) {
			return buf.Bytes(), nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// handleMediaGet serves an upload.
func (s *Server) handleMediaGet(w http.ResponseWriter, r *http.Request) {
	it, ok := s.media.get(r.PathValue("id"))
	if !ok {
		httpError(w, http.StatusNotFound, codeNotFound, "Archivo desconocido", nil)
		return
	}
	w.Header().Set("Content-Type", it.mime)
	_, _ = w.Write(it.data)
}
