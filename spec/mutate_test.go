package spec_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// mutation is one invalid payload made from a valid one, with the error it must get.
type mutation struct {
	payload any
	field   string // JSON pointer the error must name
	rule    string // JSON Schema keyword that must fail
}

func (m mutation) name() string { return m.rule + " " + displayPointer(m.field) }

func displayPointer(p string) string {
	if p == "" {
		return "(payload)"
	}
	return p
}

// mutator walks a valid payload alongside its schema. covered records the schema
// locations it walked (see reach for the naming), so a test can tell which parts of
// the schemas no mutation reached.
type mutator struct {
	d       *rawDoc
	root    any
	out     []mutation
	covered map[string]bool
}

func (m *mutator) add(path []string, v any, rule string) {
	m.out = append(m.out, mutation{payload: with(m.root, path, v, false), field: pointerOf(path), rule: rule})
}

func (m *mutator) walk(path []string, v any, s schemaNode, loc string) {
	r, name := m.d.resolve(s)
	if name != "" {
		loc = name
	}
	if r == nil {
		return
	}
	m.covered[loc] = true
	m.keywords(path, v, r)
	for _, key := range []string{"oneOf", "anyOf"} {
		for i, b := range subschemas(r, key) {
			br, _ := m.d.resolve(b)
			if ts := types(br); len(ts) == 0 || hasType(br, jsonKind(v)) {
				m.walk(path, v, b, loc+"."+key+"."+strconv.Itoa(i))
				break
			}
		}
	}
	for i, b := range subschemas(r, "allOf") {
		if _, cond := b["if"]; !cond {
			m.walk(path, v, b, loc+".allOf."+strconv.Itoa(i))
		}
	}
	switch x := v.(type) {
	case map[string]any:
		m.object(path, x, r, loc)
	case []any:
		if items, ok := r["items"].(map[string]any); ok && len(x) > 0 {
			m.walk(appendPath(path, "0"), x[0], items, loc+".items")
		}
	}
}

func (m *mutator) object(path []string, x map[string]any, r schemaNode, loc string) {
	for _, req := range required(r) {
		if _, ok := x[req]; ok {
			p := appendPath(path, req)
			m.out = append(m.out, mutation{payload: with(m.root, p, nil, true), field: pointerOf(p), rule: "required"})
		}
	}
	if ap, ok := r["additionalProperties"].(bool); ok && !ap {
		m.add(appendPath(path, "zzUnknownField"), "x", "additionalProperties")
	}
	ps := props(r)
	for _, k := range sortedKeys(ps) {
		if val, ok := x[k]; ok {
			m.walk(appendPath(path, k), val, ps[k].(map[string]any), loc+".properties."+k)
		}
	}
	if ap, ok := r["additionalProperties"].(map[string]any); ok {
		for _, k := range sortedKeys(x) {
			if _, known := ps[k]; !known {
				m.walk(appendPath(path, k), x[k], ap, loc+".additionalProperties")
			}
		}
	}
}

// keywords adds one mutation per assertion keyword of r that applies to v's place.
func (m *mutator) keywords(path []string, v any, r schemaNode) {
	if len(types(r)) > 0 {
		m.add(path, wrongType(r), "type")
	}
	if _, ok := r["enum"]; ok {
		m.add(path, "zz-not-in-the-enum", "enum")
	}
	if _, ok := r["const"]; ok {
		m.add(path, "zz-not-the-const", "const")
	}
	if hasType(r, "string") {
		m.stringKeywords(path, v, r)
	}
	if hasType(r, "number") {
		if n, ok := intOf(r, "maximum"); ok {
			m.add(path, json.Number(strconv.FormatInt(n+1, 10)), "maximum")
		}
		if n, ok := intOf(r, "minimum"); ok {
			m.add(path, json.Number(strconv.FormatInt(n-1, 10)), "minimum")
		}
	}
	if hasType(r, "array") {
		if n, ok := intOf(r, "maxItems"); ok {
			item, ok := firstItem(v)
			if !ok {
				item, _ = m.d.generate(schemaOf(r["items"]), 0)
			}
			l := make([]any, n+1)
			for i := range l {
				l[i] = clone(item)
			}
			m.add(path, l, "maxItems")
		}
		if n, ok := intOf(r, "minItems"); ok && n > 0 {
			m.add(path, []any{}, "minItems")
		}
	}
	if hasType(r, "object") {
		m.maxProperties(path, v, r)
	}
}

func (m *mutator) stringKeywords(path []string, v any, r schemaNode) {
	s, _ := v.(string)
	if n, ok := intOf(r, "maxLength"); ok {
		f, _ := r["format"].(string)
		rule := "maxLength"
		if f == "email" && n >= 254 {
			rule = "format" // the email format itself bounds an address to 254 characters
		}
		m.add(path, longer(s, int(n)+1, f), rule)
	}
	if n, ok := intOf(r, "minLength"); ok && n > 0 {
		m.add(path, strings.Repeat("a", int(n)-1), "minLength")
	}
	if p, ok := r["pattern"].(string); ok {
		if bad, ok := violating(p, r); ok {
			m.add(path, bad, "pattern")
		}
	}
	if f, ok := r["format"].(string); ok {
		bad := map[string]string{"date-time": "20/08/2025 10:00", "email": "not-an-email", "uri": "not a uri"}[f]
		if bad == "" {
			panic(fmt.Sprintf("mutate: no bad value for format %q: add one", f))
		}
		m.add(path, bad, "format")
	}
}

func (m *mutator) maxProperties(path []string, v any, r schemaNode) {
	n, ok := intOf(r, "maxProperties")
	if !ok {
		return
	}
	if ap, ok := r["additionalProperties"].(bool); ok && !ap {
		return
	}
	obj, _ := clone(v).(map[string]any)
	if obj == nil {
		obj = map[string]any{}
	}
	var val any = "x"
	if ap, ok := r["additionalProperties"].(map[string]any); ok {
		val, _ = m.d.generate(ap, 0)
	}
	for i := 0; int64(len(obj)) <= n; i++ {
		obj["zz"+strconv.Itoa(i)] = val
	}
	m.add(path, obj, "maxProperties")
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func schemaOf(v any) schemaNode {
	s, _ := v.(map[string]any)
	return s
}

func firstItem(v any) (any, bool) {
	if l, ok := v.([]any); ok && len(l) > 0 {
		return l[0], true
	}
	return nil, false
}

// wrongType returns a value whose JSON type r does not allow.
func wrongType(r schemaNode) any {
	allowed := func(kind string) bool {
		for _, t := range types(r) {
			if t == kind || (kind == "integer" && t == "number") {
				return true
			}
		}
		return false
	}
	for _, c := range []any{true, "wrong-type", json.Number("1.5"), []any{}} {
		if !allowed(jsonKind(c)) {
			return c
		}
	}
	return map[string]any{}
}

// longer returns a string of n characters that keeps s's format (the validator
// reports a malformed value as a format error only): a date-time grows its fraction
// of a second, an email its domain, a uri its path; anything else repeats its last
// character.
func longer(s string, n int, format string) string {
	switch format {
	case "date-time":
		const head = "2025-08-20T10:00:00."
		return head + strings.Repeat("0", max(n-len(head)-1, 1)) + "Z"
	case "email":
		need := n - len("user@") - len(".com")
		var labels []string
		for need > 63 {
			labels = append(labels, strings.Repeat("a", 62))
			need -= 63
		}
		labels = append(labels, strings.Repeat("b", need))
		return "user@" + strings.Join(labels, ".") + ".com"
	case "uri":
		const head = "https://utalk.example.com/"
		return head + strings.Repeat("a", n-len(head))
	}
	if s == "" {
		s = "a"
	}
	rs := []rune(s)
	for len(rs) < n {
		rs = append(rs, rs[len(rs)-1])
	}
	return string(rs[:n])
}

// violating returns a string within r's length limits that the pattern rejects.
func violating(pattern string, r schemaNode) (string, bool) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return "", false
	}
	minLen, _ := intOf(r, "minLength")
	size := max(int(minLen), 3)
	for _, c := range []string{"!", " ", "é"} {
		bad := strings.Repeat(c, size)
		if n, ok := intOf(r, "maxLength"); ok && int64(len([]rune(bad))) > n {
			continue
		}
		if !re.MatchString(bad) {
			return bad, true
		}
	}
	return "", false
}

// fill adds, in place, every optional property v lacks for which a value can be
// generated and the payload stays valid, so that mutations reach fields the examples
// leave out. valid validates the whole payload (root).
func (d *rawDoc) fill(v any, s schemaNode, valid func() bool) {
	r, _ := d.resolve(s)
	if r == nil {
		return
	}
	for _, key := range []string{"oneOf", "anyOf"} {
		for _, b := range subschemas(r, key) {
			br, _ := d.resolve(b)
			if ts := types(br); len(ts) == 0 || hasType(br, jsonKind(v)) {
				d.fill(v, b, valid)
				break
			}
		}
	}
	switch x := v.(type) {
	case map[string]any:
		ps := props(r)
		for _, k := range sortedKeys(ps) {
			if _, ok := x[k]; ok {
				continue
			}
			gen, ok := d.generate(ps[k].(map[string]any), 0)
			if !ok {
				continue
			}
			x[k] = gen
			if !valid() {
				delete(x, k)
			}
		}
		for _, k := range sortedKeys(ps) {
			if val, ok := x[k]; ok {
				d.fill(val, ps[k].(map[string]any), valid)
			}
		}
	case []any:
		if items, ok := r["items"].(map[string]any); ok && len(x) > 0 {
			d.fill(x[0], items, valid)
		}
	}
}
