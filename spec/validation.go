package spec

import (
	"fmt"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

var printer = message.NewPrinter(language.English)

// ValidationError lists why a payload does not validate against its event's schema.
type ValidationError struct {
	Event  string       `json:"event"`
	Fields []FieldError `json:"errors"`
}

// FieldError is one failed rule at one place of the payload.
type FieldError struct {
	// Field is a JSON pointer to the offending value ("" for the payload itself,
	// "/metadata/clientTs" for a nested one). For a missing or forbidden property it
	// points at that property.
	Field string `json:"field"`
	// Rule is the JSON Schema keyword that failed: required, type, enum, const,
	// pattern, format, maxLength, additionalProperties, ...
	Rule string `json:"rule"`
	// Message says what was wrong in words.
	Message string `json:"message"`
}

// Error prints the first failure, then how many more there are.
func (e *ValidationError) Error() string {
	if len(e.Fields) == 0 {
		return e.Event + ": invalid payload"
	}
	f := e.Fields[0]
	s := fmt.Sprintf("%s: %s: %s: %s", e.Event, displayField(f.Field), f.Rule, f.Message)
	if n := len(e.Fields) - 1; n > 0 {
		s += fmt.Sprintf(" (and %d more)", n)
	}
	return s
}

// First returns the first field error: the one a VALIDATION_ERROR names.
func (e *ValidationError) First() FieldError {
	if len(e.Fields) == 0 {
		return FieldError{Rule: "value", Message: "invalid payload"}
	}
	return e.Fields[0]
}

func displayField(p string) string {
	if p == "" {
		return "(payload)"
	}
	return p
}

// fieldErrors flattens the cause tree into its leaves, most specific first.
func fieldErrors(ve *jsonschema.ValidationError) []FieldError {
	var out []FieldError
	var walk func(*jsonschema.ValidationError)
	walk = func(v *jsonschema.ValidationError) {
		if len(v.Causes) > 0 {
			for _, c := range v.Causes {
				walk(c)
			}
			return
		}
		out = append(out, leaf(v)...)
	}
	walk(ve)
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i].Rule) < rank(out[j].Rule) })
	return dedupe(out)
}

func leaf(v *jsonschema.ValidationError) []FieldError {
	base := pointer(v.InstanceLocation)
	msg := v.ErrorKind.LocalizedString(printer)
	rule := ruleOf(v.ErrorKind)
	switch k := v.ErrorKind.(type) {
	case *kind.Required:
		var out []FieldError
		for _, m := range k.Missing {
			out = append(out, FieldError{Field: base + "/" + escape(m), Rule: "required", Message: "missing property '" + m + "'"})
		}
		return out
	case *kind.AdditionalProperties:
		var out []FieldError
		for _, p := range k.Properties {
			out = append(out, FieldError{Field: base + "/" + escape(p), Rule: "additionalProperties", Message: "property '" + p + "' is not allowed"})
		}
		return out
	}
	return []FieldError{{Field: base, Rule: rule, Message: msg}}
}

func ruleOf(k jsonschema.ErrorKind) string {
	if p := k.KeywordPath(); len(p) > 0 {
		return p[len(p)-1]
	}
	return "value"
}

// rank puts the errors a person fixes first (a missing field, a wrong type) before the
// consequences of combinators (oneOf, if/then).
func rank(rule string) int {
	switch rule {
	case "required", "additionalProperties", "type":
		return 0
	case "oneOf", "anyOf", "allOf", "not", "if", "then", "else", "value":
		return 2
	}
	return 1
}

func dedupe(in []FieldError) []FieldError {
	seen := map[FieldError]bool{}
	out := in[:0]
	for _, f := range in {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

func pointer(loc []string) string {
	if len(loc) == 0 {
		return ""
	}
	parts := make([]string, len(loc))
	for i, p := range loc {
		parts[i] = escape(p)
	}
	return "/" + strings.Join(parts, "/")
}

func escape(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}
