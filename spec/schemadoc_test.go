package spec_test

import (
	"encoding/json"
	"flag"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/utalk/rtconform/spec"
)

// update rewrites the generated files (README.md's event table, the hyphenated variant).
var update = flag.Bool("update", false, "rewrite generated files (README table, variant contract)")

// schemaNode is a decoded JSON Schema object of the AsyncAPI document.
type schemaNode = map[string]any

// rawDoc is the AsyncAPI document decoded as plain JSON values.
type rawDoc struct {
	Channels   map[string]any `json:"channels"`
	Operations map[string]any `json:"operations"`
	Components struct {
		Messages map[string]any        `json:"messages"`
		Schemas  map[string]schemaNode `json:"schemas"`
	} `json:"components"`
}

// decodeDoc decodes an AsyncAPI YAML document into JSON values (string map keys).
func decodeDoc(data []byte) (*rawDoc, error) {
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var d rawDoc
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

var defaultDoc = sync.OnceValues(func() (*rawDoc, error) { return decodeDoc(spec.Default().Document()) })

func mustDoc(t testing.TB) *rawDoc {
	t.Helper()
	d, err := defaultDoc()
	if err != nil {
		t.Fatalf("decode the embedded document: %v", err)
	}
	return d
}

const refPrefix = "#/components/schemas/"

// resolve follows $ref chains. It returns the schema and the name of the last
// components schema it went through ("" when there was no $ref).
func (d *rawDoc) resolve(s schemaNode) (schemaNode, string) {
	name := ""
	for i := 0; i < 16 && s != nil; i++ {
		ref, ok := s["$ref"].(string)
		if !ok {
			break
		}
		name = strings.TrimPrefix(ref, refPrefix)
		s = d.Components.Schemas[name]
	}
	return s, name
}

// payloadSchema returns the payload schema of the event.
func (d *rawDoc) payloadSchema(e *spec.Event) schemaNode {
	return d.Components.Schemas[e.SchemaName]
}

func types(s schemaNode) []string {
	switch t := s["type"].(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			if str, ok := x.(string); ok {
				out = append(out, str)
			}
		}
		return out
	}
	return nil
}

func hasType(s schemaNode, t string) bool {
	for _, x := range types(s) {
		if x == t || (t == "number" && x == "integer") {
			return true
		}
	}
	return false
}

func props(s schemaNode) map[string]any {
	p, _ := s["properties"].(map[string]any)
	return p
}

func required(s schemaNode) []string {
	var out []string
	if r, ok := s["required"].([]any); ok {
		for _, x := range r {
			out = append(out, x.(string))
		}
	}
	return out
}

func subschemas(s schemaNode, key string) []schemaNode {
	var out []schemaNode
	if l, ok := s[key].([]any); ok {
		for _, x := range l {
			if m, ok := x.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

// jsonKind is the JSON Schema type of a decoded value.
func jsonKind(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case json.Number:
		if !strings.ContainsAny(x.String(), ".eE") {
			return "integer"
		}
		return "number"
	case float64:
		if x == float64(int64(x)) {
			return "integer"
		}
		return "number"
	}
	return "unknown"
}

// branchFor picks the oneOf/anyOf branch of s that describes v by type.
func (d *rawDoc) branchFor(s schemaNode, v any) schemaNode {
	for _, key := range []string{"oneOf", "anyOf"} {
		for _, b := range subschemas(s, key) {
			r, _ := d.resolve(b)
			if ts := types(r); len(ts) == 0 || hasType(r, jsonKind(v)) {
				return b
			}
		}
	}
	return nil
}

// decodeJSON decodes JSON with numbers kept exact, as the validator does.
func decodeJSON(t testing.TB, raw []byte) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return v
}

func encodeJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	return b
}

// clone deep-copies a decoded JSON value.
func clone(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = clone(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = clone(e)
		}
		return l
	}
	return v
}

// at returns the container holding the value at path, and the last key.
func at(root any, path []string) (parent any, key string) {
	cur := root
	for i, k := range path {
		if i == len(path)-1 {
			return cur, k
		}
		switch c := cur.(type) {
		case map[string]any:
			cur = c[k]
		case []any:
			cur = c[atoi(k)]
		}
	}
	return nil, ""
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// with returns a copy of root with the value at path replaced (or deleted when del).
func with(root any, path []string, v any, del bool) any {
	if len(path) == 0 {
		return v
	}
	out := clone(root)
	parent, key := at(out, path)
	switch p := parent.(type) {
	case map[string]any:
		if del {
			delete(p, key)
		} else {
			p[key] = v
		}
	case []any:
		p[atoi(key)] = v
	}
	return out
}

func pointerOf(path []string) string {
	if len(path) == 0 {
		return ""
	}
	r := strings.NewReplacer("~", "~0", "/", "~1")
	parts := make([]string, len(path))
	for i, p := range path {
		parts[i] = r.Replace(p)
	}
	return "/" + strings.Join(parts, "/")
}

func appendPath(path []string, k string) []string {
	return append(append([]string(nil), path...), k)
}
