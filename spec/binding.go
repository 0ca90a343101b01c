package spec

import (
	"bytes"
	"fmt"

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

// decodeStrict decodes an x-socketio node into v, rejecting unknown keys.
func decodeStrict(n *yaml.Node, v any) error {
	if n == nil || n.Kind == 0 {
		return nil
	}
	b, err := yaml.Marshal(n)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("x-socketio at line %d: %w", n.Line, err)
	}
	return nil
}
