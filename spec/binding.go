package spec

import (
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// The raw shapes of the x-socketio extension, decoded strictly (an unknown key in an
// x-socketio object is an error that names it). The rest of the AsyncAPI document is
// decoded loosely: AsyncAPI tooling owns it.

type rawDocument struct {
	AsyncAPI   string                `yaml:"asyncapi"`
	Info       rawInfo               `yaml:"info"`
	Channels   map[string]rawChannel `yaml:"channels"`
	Components rawComponents         `yaml:"components"`
	Binding    yaml.Node             `yaml:"x-socketio"`
}

type rawInfo struct {
	Title   string `yaml:"title"`
	Version string `yaml:"version"`
}

type rawChannel struct {
	Address  string               `yaml:"address"`
	Messages map[string]yaml.Node `yaml:"messages"`
	Binding  yaml.Node            `yaml:"x-socketio"`
}

type rawChannelBind struct {
	Namespace string   `yaml:"namespace"`
	Roles     []string `yaml:"roles"`
	Refuses   bool     `yaml:"refuses"`
}

type rawComponents struct {
	Messages map[string]rawMessage `yaml:"messages"`
	Schemas  map[string]any        `yaml:"schemas"`
}

type rawMessage struct {
	Name     string       `yaml:"name"`
	Summary  string       `yaml:"summary"`
	Payload  yaml.Node    `yaml:"payload"`
	Examples []rawExample `yaml:"examples"`
	Binding  yaml.Node    `yaml:"x-socketio"`
}

type rawExample struct {
	Name    string `yaml:"name"`
	Payload any    `yaml:"payload"`
}

type rawMessageBind struct {
	Role           string        `yaml:"role"`
	Direction      string        `yaml:"direction"`
	Namespaces     []string      `yaml:"namespaces"`
	Extension      bool          `yaml:"extension"`
	AllowedRoles   []string      `yaml:"allowedRoles"`
	Reply          string        `yaml:"reply"`
	ErrorEvent     string        `yaml:"errorEvent"`
	Ack            bool          `yaml:"ack"`
	Correlation    string        `yaml:"correlation"`
	IdempotencyKey string        `yaml:"idempotencyKey"`
	Access         *rawAccess    `yaml:"access"`
	Broadcasts     []string      `yaml:"broadcasts"`
	RateLimit      *rawRateLimit `yaml:"rateLimit"`
	Errors         []string      `yaml:"errors"`
	Rooms          []string      `yaml:"rooms"`
	Excludes       string        `yaml:"excludes"`
	Answers        []string      `yaml:"answers"`
	Control        string        `yaml:"control"`
	IntervalMs     int           `yaml:"intervalMs"`
}

type rawAccess struct {
	Field string `yaml:"field"`
	Mode  string `yaml:"mode"`
}

type rawRateLimit struct {
	Limit    int `yaml:"limit"`
	WindowMs int `yaml:"windowMs"`
}

type rawBinding struct {
	BindingVersion string             `yaml:"bindingVersion"`
	Source         string             `yaml:"source"`
	Transport      Transport          `yaml:"transport"`
	Handshake      Handshake          `yaml:"handshake"`
	Rooms          map[string]string  `yaml:"rooms"`
	CheckOrder     []Check            `yaml:"checkOrder"`
	RateLimit      RateLimitPolicy    `yaml:"rateLimit"`
	Limits         Limits             `yaml:"limits"`
	ErrorCodes     map[Code]ErrorInfo `yaml:"errorCodes"`
	Thresholds     []Threshold        `yaml:"thresholds"`
	ExitCodes      ExitCodes          `yaml:"exitCodes"`
	TokenCommand   TokenCommand       `yaml:"tokenCommand"`
	Control        Control            `yaml:"control"`
	Clauses        []Clause           `yaml:"clauses"`
}

// decodeStrict decodes an x-socketio node into v, rejecting unknown keys. Errors give
// the line of the document: the node is decoded in place (not re-marshaled, which would
// number lines from the snippet), and an unknown key is named with its own line.
func decodeStrict(n *yaml.Node, v any) error {
	if n == nil || n.Kind == 0 {
		return nil
	}
	if k := unknownKey(n, reflect.TypeOf(v)); k != nil {
		return fmt.Errorf("x-socketio: unknown key %q at line %d, column %d", k.Value, k.Line, k.Column)
	}
	if err := n.Decode(v); err != nil {
		return fmt.Errorf("x-socketio at line %d: %w", n.Line, err)
	}
	return nil
}

// unknownKey returns the first mapping key under n that the Go type t does not
// declare (by yaml tag), looking into nested structs, maps and slices.
func unknownKey(n *yaml.Node, t reflect.Type) *yaml.Node {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch n.Kind {
	case yaml.AliasNode:
		return unknownKey(n.Alias, t)
	case yaml.SequenceNode:
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			for _, c := range n.Content {
				if k := unknownKey(c, t.Elem()); k != nil {
					return k
				}
			}
		}
	case yaml.MappingNode:
		switch t.Kind() {
		case reflect.Map:
			for i := 1; i < len(n.Content); i += 2 {
				if k := unknownKey(n.Content[i], t.Elem()); k != nil {
					return k
				}
			}
		case reflect.Struct:
			fields := yamlFields(t)
			for i := 0; i+1 < len(n.Content); i += 2 {
				ft, ok := fields[n.Content[i].Value]
				if !ok {
					return n.Content[i]
				}
				if k := unknownKey(n.Content[i+1], ft); k != nil {
					return k
				}
			}
		}
	}
	return nil
}

// yamlFields maps the keys yaml.v3 decodes into struct type t to the field types.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch {
		case name == "-" || !f.IsExported():
			continue
		case name == "":
			name = strings.ToLower(f.Name)
		}
		fields[name] = f.Type
	}
	return fields
}
