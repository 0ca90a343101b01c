package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

const schemaPrefix = "#/components/schemas/"

// schemaRef returns the components/schemas key a message payload refers to.
func schemaRef(n *yaml.Node) (string, error) {
	var p struct {
		Ref string `yaml:"$ref"`
	}
	if err := n.Decode(&p); err != nil {
		return "", fmt.Errorf("payload: %w", err)
	}
	if !strings.HasPrefix(p.Ref, schemaPrefix) {
		return "", fmt.Errorf("payload: want a $ref to %s..., got %q", schemaPrefix, p.Ref)
	}
	return strings.TrimPrefix(p.Ref, schemaPrefix), nil
}

// jsonOf re-encodes a YAML-decoded value as JSON.
func jsonOf(v any) (json.RawMessage, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// compileSchemas compiles each event's payload schema in the JSON Schema dialect that
// AsyncAPI 3.0 accepts (draft-07), with formats asserted, and checks every example.
func compileSchemas(c *Contract, doc *rawDocument) error {
	raw, err := jsonOf(map[string]any{"components": map[string]any{"schemas": doc.Components.Schemas}})
	if err != nil {
		return fmt.Errorf("schemas: %w", err)
	}
	root, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("schemas: %w", err)
	}
	comp := jsonschema.NewCompiler()
	comp.DefaultDraft(jsonschema.Draft7)
	comp.AssertFormat()
	const url = "urn:utalk:contract"
	if err := comp.AddResource(url, root); err != nil {
		return fmt.Errorf("schemas: %w", err)
	}
	for _, e := range c.Events {
		if _, ok := doc.Components.Schemas[e.SchemaName]; !ok {
			return fmt.Errorf("event %s: schema %s is not in components.schemas", e.Name, e.SchemaName)
		}
		s, err := comp.Compile(url + schemaPrefix + e.SchemaName)
		if err != nil {
			return fmt.Errorf("event %s: schema %s: %w", e.Name, e.SchemaName, err)
		}
		e.schema = s
		for i, ex := range e.Examples {
			if err := e.ValidateJSON(ex); err != nil {
				return fmt.Errorf("event %s: example %d: %w", e.Name, i, err)
			}
		}
	}
	return nil
}

// ErrUnknownEvent is returned by Contract.Validate for a name the catalogue lacks.
var ErrUnknownEvent = errors.New("unknown event")

// Validate validates a payload for the named event. payload is a decoded JSON value
// (map[string]any, []any, string, float64 or json.Number, bool, nil) or a
// json.RawMessage / []byte holding JSON. The error is a *ValidationError, or wraps
// ErrUnknownEvent.
func (c *Contract) Validate(event string, payload any) error {
	e := c.byName[event]
	if e == nil {
		return fmt.Errorf("%w %q", ErrUnknownEvent, event)
	}
	switch p := payload.(type) {
	case json.RawMessage:
		return e.ValidateJSON(p)
	case []byte:
		return e.ValidateJSON(p)
	}
	return e.Validate(payload)
}

// ValidateJSON validates a JSON-encoded payload.
func (e *Event) ValidateJSON(data []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return &ValidationError{Event: e.Name, Fields: []FieldError{{Field: "", Rule: "json", Message: err.Error()}}}
	}
	return e.Validate(v)
}

// Validate validates a decoded JSON payload against the event's schema.
func (e *Event) Validate(payload any) error {
	err := e.schema.Validate(payload)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return &ValidationError{Event: e.Name, Fields: []FieldError{{Rule: "value", Message: err.Error()}}}
	}
	return &ValidationError{Event: e.Name, Fields: fieldErrors(ve)}
}
