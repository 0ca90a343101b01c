package reference

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/utalk/rtconform/spec"
)

// fastCheck is a shortcut in front of an event's JSON Schema for the hottest
// events. It returns true only for a payload it proves valid against the schema it
// was written for; for anything else (an unusual shape, an optional object field,
// a doubt) it returns false and the full validator decides, and builds the
// VALIDATION_ERROR. So it can only skip work, never accept what the schema refuses.
// The generic validator was about a sixth of the server's CPU per message:send
// (BenchmarkMessageSendCheck: 13 us and 81 allocations for a valid payload; the
// shortcut 0.2 us and none).
type fastCheck func(payload any) bool

// fastCheckDef ties a shortcut to the exact schema it implements: Digest is
// schemaDigest of the schema and everything it references.
type fastCheckDef struct {
	Role   spec.Role
	Schema string
	Digest string
	Check  fastCheck
}

// fastCheckDefs are the shortcuts there are. When the contract's schema is edited,
// the digest no longer matches, the shortcut stays off (the server is as correct,
// only slower) and TestFastChecksOnForTheDefaultContract says so: re-read the
// schema, update the check and its tests, then the digest.
var fastCheckDefs = []fastCheckDef{
	{Role: spec.SendMessage, Schema: "MessageSend",
		Digest: "55122e01f0a54f7731474081548d8d49619fa985a0dbb20cd9dbfd584134bc84", Check: messageSendValid},
}

// validate checks an event's payload against its schema: the shortcut when one is
// on for the event and proves it valid, else the contract's validator.
func (s *Server) validate(e *spec.Event, payload any) error {
	if f := s.fast[e.Role]; f != nil && f(payload) {
		return nil
	}
	return e.Validate(payload)
}

// fastChecks returns the shortcuts whose schema in c is exactly the one they were
// written for.
func fastChecks(c *spec.Contract) map[spec.Role]fastCheck {
	out := map[spec.Role]fastCheck{}
	schemas, err := componentSchemas(c)
	if err != nil {
		return out
	}
	for _, d := range fastCheckDefs {
		e := c.ByRole(d.Role)
		if e != nil && e.SchemaName == d.Schema && schemaDigest(schemas, d.Schema) == d.Digest {
			out[d.Role] = d.Check
		}
	}
	return out
}

func componentSchemas(c *spec.Contract) (map[string]any, error) {
	var doc struct {
		Components struct {
			Schemas map[string]any `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(c.Document(), &doc); err != nil {
		return nil, err
	}
	return doc.Components.Schemas, nil
}

// schemaDigest hashes the schema name and every schema it references, transitively,
// as canonical JSON (sorted keys) without annotations (string description, title,
// $comment; examples arrays), which do not change what validates.
func schemaDigest(schemas map[string]any, name string) string {
	closure := map[string]any{}
	var visit func(string)
	var walk func(any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			out := make(map[string]any, len(x))
			for k, e := range x {
				if annotation(k, e) {
					continue
				}
				if s, ok := e.(string); ok && k == "$ref" {
					visit(strings.TrimPrefix(s, "#/components/schemas/"))
				}
				out[k] = walk(e)
			}
			return out
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = walk(e)
			}
			return out
		}
		return v
	}
	visit = func(n string) {
		if _, done := closure[n]; done {
			return
		}
		closure[n] = nil // in progress: cycles stop here
		closure[n] = walk(schemas[n])
	}
	visit(name)
	b, err := json.Marshal(map[string]any{"root": name, "schemas": closure})
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func annotation(k string, v any) bool {
	switch k {
	case "description", "title", "$comment":
		_, ok := v.(string)
		return ok
	case "examples":
		_, ok := v.([]any)
		return ok
	}
	return false
}

// messageSendValid is MessageSend, for the payloads clients send most: messageId,
// conversationId, type, text, mediaId. A payload with location, metadata or any
// other key goes to the full validator.
//
//	required: messageId, conversationId; additionalProperties: false
//	messageId: string, ^[A-Za-z0-9._:-]+$, 1..128 characters
//	conversationId: string, ^conv_[A-Za-z0-9+_.-]{1,128}$ (6..133 characters)
//	type: one of text image audio file location sticker
//	text: string of at most 4096 characters, or null
//	mediaId: string of 1..128 characters, or null
//	type absent or text            -> text required, a string of at least 1 character
//	type image, audio, file, sticker -> mediaId required, a string
//	type location                  -> location required (so: full validator)
func messageSendValid(payload any) bool {
	p, ok := payload.(map[string]any)
	if !ok {
		return false
	}
	typ := "text" // when absent
	// text, media: present as a non-empty string
	var hasID, hasConv, text, media bool
	for k, v := range p {
		switch k {
		case "messageId":
			s, ok := v.(string)
			if !ok || !clientMessageIDOK(s) {
				return false
			}
			hasID = true
		case "conversationId":
			s, ok := v.(string)
			if !ok || !conversationIDOK(s) {
				return false
			}
			hasConv = true
		case "type":
			if typ, ok = v.(string); !ok {
				return false
			}
		case "text":
			if v == nil {
				continue
			}
			s, ok := v.(string)
			if !ok || runesOver(s, 4096) {
				return false
			}
			text = s != ""
		case "mediaId":
			if v == nil {
				continue
			}
			s, ok := v.(string)
			if !ok || s == "" || runesOver(s, 128) {
				return false
			}
			media = true
		default:
			return false
		}
	}
	if !hasID || !hasConv {
		return false
	}
	switch typ {
	case "text":
		return text
	case "image", "audio", "file", "sticker":
		return media
	}
	return false // location (needs the location object) or not in the enum
}

// clientMessageIDOK is ClientMessageId: 1..128 of [A-Za-z0-9._:-] (ASCII, so bytes
// are characters).
func clientMessageIDOK(s string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !alnum(c) && c != '.' && c != '_' && c != ':' && c != '-' {
			return false
		}
	}
	return true
}

// conversationIDOK is ConversationId: conv_ then 1..128 of [A-Za-z0-9+_.-].
func conversationIDOK(s string) bool {
	rest, ok := strings.CutPrefix(s, "conv_")
	if !ok || len(rest) == 0 || len(rest) > 128 {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if c := rest[i]; !alnum(c) && c != '+' && c != '_' && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

func alnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// runesOver reports whether s has more than n characters (code points, as JSON
// Schema counts them; an invalid byte counts as one, as utf8.RuneCount does).
func runesOver(s string, n int) bool {
	if len(s) <= n {
		return false
	}
	return utf8.RuneCountInString(s) > n
}
