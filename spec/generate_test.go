package spec_test

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
)

// sampleStrings are tried, in order, for a string schema with a pattern: the first
// that matches the pattern and the length limits is used. They are realistic values
// of the contract's identifiers, so a new patterned field usually needs no code.
var sampleStrings = []string{
	"conv_+15551234567_+14155550100",
	"msg_8f14e45fceea167a5a36dedd4bea2543",
	"SM0123456789abcdef0123456789abcdef",
	"+15551234567",
	"agent_4f9a2c1e",
	"image/jpeg",
	"sample",
}

func intOf(s schemaNode, key string) (int64, bool) {
	switch v := s[key].(type) {
	case float64:
		return int64(v), true
	case int:
		return int64(v), true
	case json.Number:
		n, err := v.Int64()
		return n, err == nil
	}
	return 0, false
}

// generate builds a valid value for schema s: every property (required and optional),
// one item per array, the first enum value. ok is false when it cannot.
func (d *rawDoc) generate(s schemaNode, depth int) (any, bool) {
	s, _ = d.resolve(s)
	if s == nil || depth > 8 {
		return nil, false
	}
	if c, ok := s["const"]; ok {
		return c, true
	}
	if e, ok := s["enum"].([]any); ok && len(e) > 0 {
		return e[0], true
	}
	for _, key := range []string{"oneOf", "anyOf"} {
		var fallback any
		found := false
		for _, b := range subschemas(s, key) {
			v, ok := d.generate(b, depth+1)
			if !ok {
				continue
			}
			if v != nil {
				return v, true // prefer a branch that is not null: it covers more
			}
			fallback, found = v, true
		}
		if found {
			return fallback, true
		}
	}
	ts := types(s)
	if len(ts) == 0 && props(s) != nil {
		ts = []string{"object"}
	}
	for _, t := range ts {
		if t == "null" {
			continue
		}
		if v, ok := d.generateType(s, t, depth); ok {
			return v, true
		}
	}
	if hasType(s, "null") {
		return nil, true
	}
	return nil, false
}

func (d *rawDoc) generateType(s schemaNode, t string, depth int) (any, bool) {
	switch t {
	case "string":
		return generateString(s)
	case "integer", "number":
		n, ok := intOf(s, "minimum")
		if !ok {
			n = 1
		}
		return json.Number(strconv.FormatInt(n, 10)), true
	case "boolean":
		return true, true
	case "array":
		items, _ := s["items"].(map[string]any)
		v, ok := d.generate(items, depth+1)
		if !ok {
			return nil, false
		}
		return []any{v}, true
	case "object":
		m := map[string]any{}
		ps := props(s)
		for _, k := range sortedKeys(ps) {
			v, ok := d.generate(ps[k].(map[string]any), depth+1)
			if !ok {
				return nil, false
			}
			m[k] = v
		}
		if ap, ok := s["additionalProperties"].(map[string]any); ok && len(props(s)) == 0 {
			v, ok := d.generate(ap, depth+1)
			if !ok {
				return nil, false
			}
			m["conv_+15551234567_+14155550100"] = v
		}
		return m, true
	}
	return nil, false
}

func generateString(s schemaNode) (any, bool) {
	switch s["format"] {
	case "date-time":
		return "2025-08-20T10:00:00Z", true
	case "email":
		return "agent@example.com", true
	case "uri":
		return "https://utalk.example.com/media/media_1", true
	}
	minLen, _ := intOf(s, "minLength")
	maxLen, hasMax := intOf(s, "maxLength")
	fits := func(v string) bool {
		n := int64(len([]rune(v)))
		return n >= minLen && (!hasMax || n <= maxLen)
	}
	if p, ok := s["pattern"].(string); ok {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, false
		}
		for _, c := range sampleStrings {
			if re.MatchString(c) && fits(c) {
				return c, true
			}
		}
		return nil, false
	}
	v := "sample"
	if int64(len(v)) < minLen {
		v += strings.Repeat("x", int(minLen)-len(v))
	}
	if hasMax && int64(len(v)) > maxLen {
		v = v[:maxLen]
	}
	return v, true
}
