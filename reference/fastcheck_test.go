package reference

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/utalk/rtconform/spec"
)

func TestFastChecksOnForTheDefaultContract(t *testing.T) {
	on := fastChecks(spec.Default())
	for _, d := range fastCheckDefs {
		if on[d.Role] == nil {
			s, _ := componentSchemas(spec.Default())
			t.Errorf("the %s shortcut is off: schema %s changed (digest now %s). Re-read the schema, update %s and its tests, then the digest",
				d.Role, d.Schema, schemaDigest(s, d.Schema), "fastCheckDefs")
		}
	}
}

// TestFastCheckFollowsTheSchema: an edit that changes what validates turns the
// shortcut off; an annotation does not.
func TestFastCheckFollowsTheSchema(t *testing.T) {
	doc := string(spec.Default().Document())
	const text = "        text: {type: [string, 'null'], maxLength: 4096}\n        mediaId: {type: [string, 'null'], minLength: 1, maxLength: 128}"
	if strings.Count(doc, text) != 1 {
		t.Fatal("MessageSend's text and mediaId lines not found once in the default contract")
	}
	const idPattern = "pattern: '^[A-Za-z0-9._:-]+$'"
	for _, tc := range []struct {
		name, old, new string
		on             bool
	}{
		{"text maxLength", text, strings.Replace(text, "4096", "4095", 1), false},
		{"referenced ClientMessageId pattern", idPattern, "pattern: '^[A-Za-z0-9._:#-]+$'", false},
		{"a description", "description: Defaults to text when absent", "description: Text when absent", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(doc, tc.old) {
				t.Fatalf("%q not in the contract", tc.old)
			}
			c, err := spec.Parse("variant", []byte(strings.Replace(doc, tc.old, tc.new, 1)))
			if err != nil {
				t.Fatal(err)
			}
			if got := fastChecks(c)[spec.SendMessage] != nil; got != tc.on {
				t.Errorf("shortcut on = %v, want %v", got, tc.on)
			}
		})
	}
}

// TestMessageSendFastCheckImpliesSchema runs every combination of these field
// values (absent, valid, boundary, invalid) through the shortcut and the contract's
// validator: whatever the shortcut accepts, the schema must accept.
func TestMessageSendFastCheckImpliesSchema(t *testing.T) {
	e := spec.Default().ByRole(spec.SendMessage)
	absent := struct{}{}
	long := func(s string, n int) string { return strings.Repeat(s, n) }
	fields := []struct {
		name   string
		values []any
	}{
		{"messageId", []any{absent, "m-1", "3b241101-e2bb-4255-8caf-4136c566a962", long("a", 128), long("a", 129), "", "a b", "ñ", "a\n", nil, 7.0}},
		{"conversationId", []any{absent, "conv_+15551234567_+14155550100", "conv_x", "conv_" + long("a", 128), "conv_" + long("a", 129), "conv_", "conv_a b", "chat_1", "conv_ñ", nil, 7.0}},
		{"type", []any{absent, "text", "image", "audio", "file", "sticker", "location", "video", "", nil, 1.0}},
		{"text", []any{absent, "hola", "Hola, ¿cómo estás? 👋", "", nil, long("ñ", 4096), long("ñ", 4097), long("a", 4097), 12.0, map[string]any{}}},
		{"mediaId", []any{absent, "med_1", "", nil, long("é", 128), long("é", 129), 3.0}},
		{"extra", []any{absent, "x"}},
		{"metadata", []any{absent, map[string]any{"clientTs": "2025-08-20T10:00:00Z"}}},
	}
	idx := make([]int, len(fields))
	accepted, total := 0, 0
	for {
		p := map[string]any{}
		for i, f := range fields {
			if v := f.values[idx[i]]; v != absent {
				p[f.name] = v
			}
		}
		total++
		if messageSendValid(p) {
			accepted++
			if err := e.Validate(p); err != nil {
				t.Fatalf("shortcut accepts %s, schema says %v", show(p), err)
			}
		}
		i := 0
		for ; i < len(idx); i++ {
			if idx[i]++; idx[i] < len(fields[i].values) {
				break
			}
			idx[i] = 0
		}
		if i == len(idx) {
			break
		}
	}
	if accepted == 0 {
		t.Fatal("the shortcut accepted nothing")
	}
	t.Logf("%d of %d payloads accepted by the shortcut, all valid", accepted, total)
	for _, p := range []map[string]any{
		sendPayload("m-1", "conv_+15551234567_+14155550100", "hola"),
		{"messageId": "m-2", "conversationId": "conv_x", "text": "sin tipo"},
		{"messageId": "m-3", "conversationId": "conv_x", "type": "image", "mediaId": "med_1", "text": nil},
	} {
		if !messageSendValid(p) {
			t.Errorf("the shortcut does not take the common payload %s", show(p))
		}
	}
	if messageSendValid(nil) || messageSendValid("x") || messageSendValid([]any{}) {
		t.Error("the shortcut accepts a payload that is not an object")
	}
}

// FuzzMessageSendFastCheck: for any JSON, the shortcut accepts only what the
// contract's validator accepts.
func FuzzMessageSendFastCheck(f *testing.F) {
	for _, s := range []string{
		`{"messageId":"m-1","conversationId":"conv_x","type":"text","text":"hola"}`,
		`{"messageId":"m-1","conversationId":"conv_x","text":""}`,
		`{"messageId":"m-1","conversationId":"conv_x","type":"image","mediaId":null}`,
		`{"messageId":"m\u00001","conversationId":"conv_x","text":"a"}`,
		`{"messageId":"m-1","conversationId":"conv_x","text":"\ud800"}`,
		`{"messageId":"m-1","conversationId":"conv_x","type":"location"}`,
		`[]`, `null`, `"x"`,
	} {
		f.Add([]byte(s))
	}
	e := spec.Default().ByRole(spec.SendMessage)
	f.Fuzz(func(t *testing.T, b []byte) {
		var v any
		if json.Unmarshal(b, &v) != nil {
			return
		}
		if messageSendValid(v) {
			if err := e.Validate(v); err != nil {
				t.Fatalf("shortcut accepts %s, schema says %v", b, err)
			}
		}
	})
}

func show(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 200 {
		return string(b[:200]) + "..."
	}
	return string(b)
}

// BenchmarkMessageSendCheck: the contract's validator against the shortcut, on the
// benchmark's payload.
func BenchmarkMessageSendCheck(b *testing.B) {
	c := spec.Default()
	e := c.ByRole(spec.SendMessage)
	p := map[string]any{"messageId": "acked1a2b3c4d-XyZ-12", "conversationId": "conv_bench_acked1a2b3c4d_7",
		"type": "text", "text": "Hola, ¿cómo estás? 👋"}
	srv := &Server{fast: fastChecks(c)}
	for _, tc := range []struct {
		name string
		fn   func() error
	}{{"schema", func() error { return e.Validate(p) }}, {"shortcut", func() error { return srv.validate(e, p) }}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := tc.fn(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
