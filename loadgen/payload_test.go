package loadgen

import (
	"encoding/json"
	"testing"
	"unicode/utf8"
)

func TestPayload(t *testing.T) {
	p := newPayload()
	defer p.release()
	p.str("messageId", "m.1")
	p.str("text", "¿qué tal? \"hola\"\n\t\\ 👩‍💻 \x01")
	p.int("afterSeq", -3)
	p.raw("cursors", cursors("conv_x", 7))
	var got map[string]any
	if err := json.Unmarshal(p.json(), &got); err != nil {
		t.Fatalf("%s: %v", p.b, err)
	}
	want := map[string]any{"messageId": "m.1", "text": "¿qué tal? \"hola\"\n\t\\ 👩‍💻 \x01", "afterSeq": -3.0,
		"cursors": []any{map[string]any{"conversationId": "conv_x", "afterSeq": 7.0}}}
	gb, _ := json.Marshal(got)
	wb, _ := json.Marshal(want)
	if string(gb) != string(wb) {
		t.Errorf("got %s, want %s", gb, wb)
	}
}

// FuzzJSONString checks appendJSONString against encoding/json: the same string
// back, valid UTF-8 in, U+FFFD for invalid bytes out.
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "hola", "a\"b\\c", "\x00\x1f", "ñ 🇪🇸", "\xff\xfe", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := appendJSONString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%q encoded as %s: %v", s, b, err)
		}
		want := s
		if !utf8.ValidString(s) {
			want = string([]rune(s)) // invalid bytes become U+FFFD
		}
		if got != want {
			t.Fatalf("%q: decoded %q, want %q", s, got, want)
		}
	})
}
