package reference

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/utalk/rtconform/spec"
)

// TestPollingAndCORS drives the long-polling transport by hand, from a browser
// origin of the default CORS list, with credentials.
func TestPollingAndCORS(t *testing.T) {
	h := start(t)
	const origin = "http://localhost:5173"
	base := h.url + h.c.Transport.Path + "?EIO=4&transport=polling"
	do := func(method, url, body string) string {
		t.Helper()
		req, _ := http.NewRequest(method, url, strings.NewReader(body))
		req.Header.Set("Origin", origin)
		if body != "" {
			req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
		}
		resp, err := (&http.Client{Timeout: waitFor}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %d %s", method, url, resp.StatusCode, b)
		}
		if resp.Header.Get("Access-Control-Allow-Origin") != origin || resp.Header.Get("Access-Control-Allow-Credentials") != "true" {
			t.Fatalf("CORS headers %v", resp.Header)
		}
		return string(b)
	}
	open := do(http.MethodGet, base, "")
	var hs struct {
		SID string `json:"sid"`
	}
	if !strings.HasPrefix(open, "0") || json.Unmarshal([]byte(open[1:]), &hs) != nil || hs.SID == "" {
		t.Fatalf("open %q", open)
	}
	url := base + "&sid=" + hs.SID
	auth, _ := json.Marshal(map[string]any{"token": h.token(agent("ana"), time.Hour)})
	do(http.MethodPost, url, "40/app,"+string(auth))
	if got := do(http.MethodGet, url, ""); !strings.Contains(got, "40/app,{") {
		t.Fatalf("connect over polling: %q", got)
	}
	do(http.MethodPost, url, `42/app,1["`+h.name(spec.JoinConversation)+`",{"conversationId":"conv_poll"}]`)
	var got string
	for !strings.Contains(got, "43/app,1[") {
		got += do(http.MethodGet, url, "")
	}
	if !strings.Contains(got, h.name(spec.JoinedConversation)) {
		t.Fatalf("ack over polling: %q", got)
	}
}

func TestCORSRefusesOtherOrigins(t *testing.T) {
	h := start(t)
	req, _ := http.NewRequest(http.MethodGet, h.url+h.c.Transport.Path+"?EIO=4&transport=polling", nil)
	req.Header.Set("Origin", "http://evil.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Access-Control-Allow-Origin") == "http://evil.example" {
		t.Fatal("an origin outside CORS_ORIGIN was allowed")
	}
}
