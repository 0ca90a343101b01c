package spec_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/utalk/rtconform/spec"
)

// lineOf returns the 1-based line of the first occurrence of marker in doc.
func lineOf(doc, marker string) int {
	i := strings.Index(doc, marker)
	if i < 0 {
		return -1
	}
	return strings.Count(doc[:i], "\n") + 1
}

// TestParseErrors breaks the real document in one place per case and checks that
// Parse refuses it with an error that says what and where.
func TestParseErrors(t *testing.T) {
	base := string(spec.Default().Document())
	tests := []struct {
		name     string
		old, new string
		// want are substrings of the error; {line} is replaced by the line of mark.
		want []string
		mark string
	}{
		{name: "unknown message binding key",
			old: "        role: typing-start\n", new: "        role: typing-start\n        bogusKey: 1\n",
			want: []string{"message typingStart", `unknown key "bogusKey" at line {line}`}, mark: "bogusKey"},
		{name: "unknown root binding key",
			old: "  bindingVersion: 1.0.0\n", new: "  bindingVersion: 1.0.0\n  transportz: {}\n",
			want: []string{`unknown key "transportz" at line {line}`}, mark: "transportz"},
		{name: "unknown nested key",
			old: "    maxPayloadBytes: 1048576\n", new: "    maxPayloadBytes: 1048576\n    maxPayloadByte: 5\n",
			want: []string{`unknown key "maxPayloadByte" at line {line}`}, mark: "maxPayloadByte:"},
		{name: "unknown channel binding key",
			old: "      namespace: /admin\n", new: "      namespace: /admin\n      rolez: [admin]\n",
			want: []string{"channel admin", `unknown key "rolez" at line {line}`}, mark: "rolez"},
		{name: "wrong type in binding",
			old: "        rateLimit: {limit: 60, windowMs: 60000}\n", new: "        rateLimit: {limit: sixty, windowMs: 60000}\n",
			want: []string{"message messageSend", "line {line}", "sixty"}, mark: "limit: sixty"},
		{name: "dangling reply role",
			old: "        reply: message-sent\n", new: "        reply: message-sentt\n",
			want: []string{"event message:send", `reply "message-sentt" is not the role of any event`}},
		{name: "dangling errorEvent role",
			old: "        errorEvent: auth-failed\n", new: "        errorEvent: auth-failure\n",
			want: []string{"event auth:refresh", `errorEvent "auth-failure"`}},
		{name: "dangling broadcast role",
			old: "        broadcasts: [typing-update]\n", new: "        broadcasts: [typing-updates]\n",
			want: []string{`broadcasts "typing-updates"`}},
		{name: "missing reply",
			old: "        reply: joined-conversation\n", new: "",
			want: []string{"client event join:conversation: reply and errorEvent are required"}},
		{name: "missing schema",
			old: "payload: {$ref: '#/components/schemas/MessageSend'}", new: "payload: {$ref: '#/components/schemas/MessageSendd'}",
			want: []string{"event message:send", "schema MessageSendd is not in components.schemas"}},
		{name: "payload not a ref",
			old: "payload: {$ref: '#/components/schemas/MessageSend'}", new: "payload: {type: object}",
			want: []string{"message messageSend", "want a $ref"}},
		{name: "bad direction",
			old: "        role: send-message\n        direction: clientToServer\n", new: "        role: send-message\n        direction: sideways\n",
			want: []string{"message messageSend", `direction "sideways"`}},
		{name: "bad access mode",
			old: "access: {field: conversationId, mode: create-or-member}", new: "access: {field: conversationId, mode: anyone}",
			want: []string{`access.mode "anyone"`}},
		{name: "undeclared error code",
			old:  "        errors: [INVALID_EVENT, RATE_LIMIT_EXCEEDED, PAYLOAD_TOO_LARGE, VALIDATION_ERROR]\n",
			new:  "        errors: [INVALID_EVENT, BOGUS_CODE]\n",
			want: []string{"errors: BOGUS_CODE is not in errorCodes"}},
		{name: "code of the Go API not declared",
			old: "    ROOM_FULL: {", new: "    ROOM_FULLY: {",
			want: []string{"errorCodes: ROOM_FULL is not declared"}},
		{name: "namespace without channel",
			old:  "        role: typing-start\n        direction: clientToServer\n        namespaces: [/app, /agent]\n",
			new:  "        role: typing-start\n        direction: clientToServer\n        namespaces: [/app, /nowhere]\n",
			want: []string{"event typing:start", "namespace /nowhere has no channel"}},
		{name: "duplicate event name",
			old: "      name: typing:stop\n", new: "      name: typing:start\n",
			want: []string{`event name "typing:start" used twice`}},
		{name: "duplicate role",
			old: "        role: typing-stop\n", new: "        role: typing-start\n",
			want: []string{`role "typing-start" used twice`}},
		{name: "duplicate clause id",
			old: "{id: auth.bad-signature,", new: "{id: auth.no-token,",
			want: []string{`clauses: id "auth.no-token"`}},
		{name: "example does not validate",
			old:  "        payload: {conversationId: conv_+1234567890_+0987654321, typing: true}\n",
			new:  "        payload: {conversationId: chat_1, typing: true}\n",
			want: []string{"event typing:acknowledged: example 0", "/conversationId", "pattern"}},
		{name: "asyncapi 2",
			old: "asyncapi: 3.0.0\n", new: "asyncapi: 2.6.0\n",
			want: []string{`asyncapi version "2.6.0": want 3.x`}},
		{name: "no root binding",
			old: "\nx-socketio:\n  bindingVersion:", new: "\nx-socketiox:\n  bindingVersion:",
			want: []string{"no x-socketio binding at the document root"}},
		{name: "not yaml",
			old: "asyncapi: 3.0.0\n", new: "asyncapi: [3.0.0\n",
			want: []string{"yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(base, tt.old) {
				t.Fatalf("the document no longer contains %q: update the case", tt.old)
			}
			doc := strings.Replace(base, tt.old, tt.new, 1)
			_, err := spec.Parse("broken.yaml", []byte(doc))
			if err == nil {
				t.Fatal("Parse accepted the broken document")
			}
			if !errors.Is(err, spec.ErrInvalidContract) {
				t.Errorf("error %v does not wrap ErrInvalidContract", err)
			}
			if !strings.Contains(err.Error(), "broken.yaml") {
				t.Errorf("error %q does not name the source", err)
			}
			for _, w := range tt.want {
				w = strings.ReplaceAll(w, "{line}", fmt.Sprint(lineOf(doc, tt.mark)))
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestLoad(t *testing.T) {
	c, err := spec.Load(spec.DocumentFile)
	if err != nil {
		t.Fatalf("Load(%s): %v", spec.DocumentFile, err)
	}
	if c.Hash != spec.Default().Hash || c.Source != spec.DocumentFile {
		t.Errorf("Load: hash %s source %s, want the embedded document's hash and the path", c.Hash, c.Source)
	}
	if _, err := spec.Load("testdata/no-such-file.yaml"); err == nil {
		t.Error("Load of a missing file succeeded")
	}
	if d, err := spec.LoadOrDefault(""); err != nil || d != spec.Default() {
		t.Errorf("LoadOrDefault(\"\") = %v, %v; want Default()", d, err)
	}
}
