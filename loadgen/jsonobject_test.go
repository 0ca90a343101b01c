package loadgen

import (
	"encoding/json"
	"testing"
	"unicode/utf8"
)

func TestObjectGet(t *testing.T) {
	const doc = `{ "messageId" : "m-1", "seq": 42, "neg": -7, "float": 3.0, "error": {"code": "RATE_LIMIT_EXCEEDED", "x": [1, {"y": "}"}]},
		"text": "quote \" and \\ slash", "esc\u0061ped": "yes", "nil": null, "list": [{"seq": 1}, 2, {"seq": 3}], "dup": "a", "dup": "b"}`
	o := fields([]json.RawMessage{json.RawMessage(doc)})
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"string", o.str("messageId"), "m-1"},
		{"integer", o.num("seq"), int64(42)},
		{"negative", o.num("neg"), int64(-7)},
		{"integral float", o.num("float"), int64(3)},
		{"nested object", o.obj("error").str("code"), "RATE_LIMIT_EXCEEDED"},
		{"escapes decoded", o.str("text"), `quote " and \ slash`},
		{"escaped key", o.str("escaped"), "yes"},
		{"null is no string", o.str("nil"), ""},
		{"absent", o.str("nope"), ""},
		{"absent object", o.obj("nope").str("code"), ""},
		{"duplicate keeps the last", o.str("dup"), "b"},
		{"number is no string", o.str("seq"), ""},
		{"string is no number", o.num("messageId"), int64(0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %#v, want %#v", tt.got, tt.want)
			}
		})
	}
	var seqs []int64
	elements(o.get("list"), func(e object) { seqs = append(seqs, e.num("seq")) })
	if len(seqs) != 2 || seqs[0] != 1 || seqs[1] != 3 {
		t.Errorf("elements seqs %v, want [1 3]", seqs)
	}
	for _, bad := range []string{``, `[]`, `"x"`, `{"a":`, `{"a" 1}`, `{"a":1,}`, `{"a":"unterminated}`} {
		if v := fields([]json.RawMessage{json.RawMessage(bad)}).get("a"); v != nil {
			t.Errorf("%q: get(a) = %q, want nil", bad, v)
		}
	}
}

// FuzzObject checks the scanner against encoding/json on every input encoding/json
// reads as an object (valid UTF-8): the same string and integer values for each key.
func FuzzObject(f *testing.F) {
	for _, s := range []string{`{"messageId":"a","seq":1}`, `{"error":{"code":"X"},"k":[1,"]"]}`, `{"a":"\u00e9\"","b":-3}`, `{}`, `{"a":{"b":{"c":[]}}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// encoding/json replaces invalid UTF-8 in keys; servers send valid UTF-8.
		if !utf8.ValidString(s) {
			return
		}
		var want map[string]json.RawMessage
		if json.Unmarshal([]byte(s), &want) != nil || want == nil {
			return
		}
		o := object(s)
		for k, raw := range want {
			var ws string
			if json.Unmarshal(raw, &ws) == nil {
				if got := o.str(k); got != ws {
					t.Fatalf("%s: str(%q) = %q, want %q", s, k, got, ws)
				}
			}
			var wn int64
			if json.Unmarshal(raw, &wn) == nil {
				if got := o.num(k); got != wn {
					t.Fatalf("%s: num(%q) = %d, want %d", s, k, got, wn)
				}
			}
		}
	})
}
