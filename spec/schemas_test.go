package spec_test

import (
	"errors"
	"sort"
	"strconv"
	"testing"

	"github.com/utalk/rtconform/spec"
)

// reach visits every schema node reachable from s (through $ref, properties, items,
// additionalProperties, oneOf/anyOf/allOf; not through if/then/else, which only add
// conditions to their object). loc names the node: the components schema name after
// a $ref, then .properties.<name>, .items, .additionalProperties, .oneOf.<i>...
func (d *rawDoc) reach(s schemaNode, loc string, visit func(loc string, r schemaNode)) {
	seen := map[string]bool{}
	var rec func(s schemaNode, loc string)
	rec = func(s schemaNode, loc string) {
		r, name := d.resolve(s)
		if name != "" {
			loc = name
		}
		if r == nil || seen[loc] {
			return
		}
		seen[loc] = true
		visit(loc, r)
		for k, p := range props(r) {
			rec(p.(map[string]any), loc+".properties."+k)
		}
		if items, ok := r["items"].(map[string]any); ok {
			rec(items, loc+".items")
		}
		if ap, ok := r["additionalProperties"].(map[string]any); ok {
			rec(ap, loc+".additionalProperties")
		}
		for _, key := range []string{"oneOf", "anyOf", "allOf"} {
			for i, b := range subschemas(r, key) {
				if _, cond := b["if"]; !cond {
					rec(b, loc+"."+key+"."+strconv.Itoa(i))
				}
			}
		}
	}
	rec(s, loc)
}

// openObjects are the object schemas that are open on purpose: free-form maps whose
// keys the contract does not fix. Every other object schema reachable from a payload
// must say additionalProperties: false.
var openObjects = map[string]string{
	"MessageMetadata":                     "message metadata: client-defined keys (clientTs, botResponse, twilioSid are known)",
	"ErrorEnvelope.properties.details":    "error details: per code (x-socketio.errorCodes)",
	"Notification.properties.data":        "notification data: free-form, from the control surface",
	"StateSynced.properties.unreadCounts": "a map from conversation id to count",
}

func isObjectSchema(r schemaNode) bool {
	return hasType(r, "object") || (r["type"] == nil && props(r) != nil)
}

func TestSchemasStrict(t *testing.T) {
	d := mustDoc(t)
	reached := map[string]bool{}
	for _, e := range spec.Default().Events {
		d.reach(d.payloadSchema(e), e.SchemaName, func(loc string, r schemaNode) {
			if !isObjectSchema(r) {
				return
			}
			reached[loc] = true
			if ap, ok := r["additionalProperties"].(bool); ok && !ap {
				return
			}
			if _, open := openObjects[loc]; !open {
				t.Errorf("event %s: object schema %s lacks additionalProperties: false (add it, or add %s to openObjects with a reason)", e.Name, loc, loc)
			}
		})
	}
	for loc := range openObjects {
		if !reached[loc] {
			t.Errorf("openObjects lists %s, which no event payload reaches any more", loc)
		}
	}
}

// TestExamplesValidate checks every example payload of the document against its
// event's schema. The examples use realistic values where the source document has
// placeholders ('uuid-v4', 'SM123456789', 'msg_uuid-v4', 'agent_uuid'...).
func TestExamplesValidate(t *testing.T) {
	for _, e := range spec.Default().Events {
		t.Run(e.Name, func(t *testing.T) {
			if len(e.Examples) == 0 {
				t.Fatalf("%s has no example payload", e.Name)
			}
			for i, ex := range e.Examples {
				if err := e.ValidateJSON(ex); err != nil {
					t.Errorf("example %d: %v", i, err)
				}
			}
		})
	}
}

// filledExample returns the event's first example with every optional field the
// generator can fill added (see fill).
func filledExample(t *testing.T, d *rawDoc, e *spec.Event) any {
	t.Helper()
	root := decodeJSON(t, e.Examples[0])
	valid := func() bool { return e.ValidateJSON(encodeJSON(t, root)) == nil }
	d.fill(root, d.payloadSchema(e), valid)
	if err := e.ValidateJSON(encodeJSON(t, root)); err != nil {
		t.Fatalf("filled example is invalid: %v", err)
	}
	return root
}

// TestMutationsRejected makes, for every event, invalid payloads by walking the
// schema alongside a valid payload (a required field removed, a wrong type, a value
// outside the enum, an unknown field, over a maxLength/maximum/maxItems, a bad format
// or pattern...) and checks each is rejected with an error naming the field and the
// rule. New fields and keywords are covered without test changes; a schema location
// that no mutation reaches fails the test.
func TestMutationsRejected(t *testing.T) {
	d := mustDoc(t)
	covered := map[string]bool{}
	total := 0
	for _, e := range spec.Default().Events {
		t.Run(e.Name, func(t *testing.T) {
			root := filledExample(t, d, e)
			m := &mutator{d: d, root: root, covered: covered}
			m.walk(nil, root, d.payloadSchema(e), e.SchemaName)
			total += len(m.out)
			for _, mu := range m.out {
				t.Run(mu.name(), func(t *testing.T) {
					err := e.ValidateJSON(encodeJSON(t, mu.payload))
					var ve *spec.ValidationError
					if !errors.As(err, &ve) {
						t.Fatalf("payload %s: error = %v, want a *spec.ValidationError", encodeJSON(t, mu.payload), err)
					}
					if ve.Event != e.Name {
						t.Errorf("ValidationError.Event = %q, want %q", ve.Event, e.Name)
					}
					for _, f := range ve.Fields {
						if f.Field == mu.field && f.Rule == mu.rule {
							return
						}
					}
					t.Errorf("payload %s: errors %+v, want one with field %q rule %q", encodeJSON(t, mu.payload), ve.Fields, mu.field, mu.rule)
				})
			}
		})
	}
	t.Logf("%d mutations", total)
	var missed []string
	for _, e := range spec.Default().Events {
		d.reach(d.payloadSchema(e), e.SchemaName, func(loc string, r schemaNode) {
			if ts := types(r); len(ts) == 1 && ts[0] == "null" {
				return // nothing to mutate in a null branch
			}
			if !covered[loc] {
				missed = append(missed, loc)
			}
		})
	}
	sort.Strings(missed)
	for _, loc := range missed {
		t.Errorf("no mutation reached schema %s: give the example (or sampleStrings) a value for it", loc)
	}
}

// TestMessageSendConditionals covers the if/then rules of message:send, which the
// mutation walk leaves to this table.
func TestMessageSendConditionals(t *testing.T) {
	send := spec.Default().ByRole(spec.SendMessage)
	const base = `"messageId":"3b241101-e2bb-4255-8caf-4136c566a962","conversationId":"conv_+15551234567_+14155550100"`
	tests := []struct {
		name, payload string
		field, rule   string // empty: valid
	}{
		{"text without type", `{` + base + `,"text":"Hola"}`, "", ""},
		{"no type no text", `{` + base + `}`, "/text", "required"},
		{"text empty", `{` + base + `,"type":"text","text":""}`, "/text", "minLength"},
		{"text null", `{` + base + `,"type":"text","text":null}`, "/text", "type"},
		{"image with media", `{` + base + `,"type":"image","mediaId":"media_1"}`, "", ""},
		{"image without media", `{` + base + `,"type":"image"}`, "/mediaId", "required"},
		{"sticker media null", `{` + base + `,"type":"sticker","mediaId":null}`, "/mediaId", "type"},
		{"location", `{` + base + `,"type":"location","location":{"latitude":40.4,"longitude":-3.7}}`, "", ""},
		{"location missing", `{` + base + `,"type":"location"}`, "/location", "required"},
		{"latitude out of range", `{` + base + `,"type":"location","location":{"latitude":91,"longitude":0}}`, "/location/latitude", "maximum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := send.ValidateJSON([]byte(tt.payload))
			if tt.rule == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			var ve *spec.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate = %v, want a *spec.ValidationError", err)
			}
			for _, f := range ve.Fields {
				if f.Field == tt.field && f.Rule == tt.rule {
					return
				}
			}
			t.Errorf("errors %+v, want field %q rule %q", ve.Fields, tt.field, tt.rule)
		})
	}
}
