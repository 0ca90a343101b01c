package reference

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"sync"
)

// channelMap maps business numbers to tenants and workspaces: the static ones of
// the configuration plus those registered through the control surface.
type channelMap struct {
	mu sync.RWMutex
	m  map[string]ChannelNumber
}

func newChannelMap(static []ChannelNumber) *channelMap {
	c := &channelMap{m: map[string]ChannelNumber{}}
	for _, ch := range static {
		c.m[ch.Number] = ch
	}
	return c
}

func (c *channelMap) set(ch ChannelNumber) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[ch.Number] = ch
}

func (c *channelMap) get(number string) (ChannelNumber, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	ch, ok := c.m[number]
	return ch, ok
}

// twilioSignature is Twilio's X-Twilio-Signature: base64 HMAC-SHA1, keyed by the
// auth token, of the full URL followed by each POST parameter's name and value,
// sorted by name.
func twilioSignature(token, fullURL string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	mac := hmac.New(sha1.New, []byte(token))
	mac.Write([]byte(fullURL))
	for _, k := range keys {
		for _, v := range form[k] {
			mac.Write([]byte(k))
			mac.Write([]byte(v))
		}
	}
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// TwilioSignature computes X-Twilio-Signature for a webhook call to fullURL with
// form, as Twilio does; tests and the conformance suite sign their calls with it.
func TwilioSignature(authToken, fullURL string, form url.Values) string {
	return twilioSignature(authToken, fullURL, form)
}

// requestURL is the URL the caller used, as Twilio signs it.
func requestURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host + r.URL.RequestURI()
}

// twilioForm parses a webhook's form and checks its signature when an auth token
// is configured; it answers the error itself.
func (s *Server) twilioForm(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		badField(w, "(body)", "formulario inválido: "+err.Error())
		return nil, false
	}
	if t := s.cfg.TwilioAuthToken; t != "" {
		want := twilioSignature(t, requestURL(r), r.PostForm)
		got := r.Header.Get("X-Twilio-Signature")
		if got == "" || !hmac.Equal([]byte(got), []byte(want)) {
			httpError(w, http.StatusForbidden, "ACCESS_DENIED", "Firma de Twilio inválida", nil)
			return nil, false
		}
	}
	return r.PostForm, true
}
