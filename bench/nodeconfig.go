package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/utalk/rtconform/spec"
	"gopkg.in/yaml.v3"
)

// NodeConfig is what bench/node/server.js reads from BENCH_CONFIG: the event names and
// payload schemas come from the contract, so the Node server speaks the same variant.
type NodeConfig struct {
	Port              int               `json:"port"`
	Secret            string            `json:"secret"`
	Namespace         string            `json:"namespace"`
	Events            map[string]string `json:"events"`
	Schema            any               `json:"schema"`
	JoinSchema        any               `json:"joinSchema"`
	PingIntervalMs    int               `json:"pingIntervalMs"`
	PingTimeoutMs     int               `json:"pingTimeoutMs"`
	MaxHTTPBufferSize int64             `json:"maxHttpBufferSize"`
	Retain            int               `json:"retain"`
}

// WriteNodeConfig writes the NodeConfig for a Node server on port that speaks contract c
// on namespace, with tokens signed by secret. loadgen/loadbench uses it too.
func WriteNodeConfig(path string, c *spec.Contract, port int, secret, namespace string) error {
	var doc struct {
		Components struct {
			Schemas map[string]any `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(c.Document(), &doc); err != nil {
		return fmt.Errorf("node config: %w", err)
	}
	// ajv resolves "#/definitions/X" inside one self-contained schema.
	defs, err := json.Marshal(doc.Components.Schemas)
	if err != nil {
		return err
	}
	defs = []byte(strings.ReplaceAll(string(defs), "#/components/schemas/", "#/definitions/"))
	var definitions any
	if err := json.Unmarshal(defs, &definitions); err != nil {
		return err
	}
	schemaOf := func(r spec.Role) any {
		return map[string]any{"$ref": "#/definitions/" + c.ByRole(r).SchemaName, "definitions": definitions}
	}
	cfg := NodeConfig{
		Port: port, Secret: secret, Namespace: namespace,
		Events: map[string]string{
			"send": c.ByRole(spec.SendMessage).Name, "sent": c.ByRole(spec.MessageSent).Name,
			"error": c.ByRole(spec.MessageError).Name, "newMessage": c.ByRole(spec.MessageNew).Name,
			"updated": c.ByRole(spec.ConversationUpdated).Name, "join": c.ByRole(spec.JoinConversation).Name,
			"joined": c.ByRole(spec.JoinedConversation).Name,
		},
		Schema: schemaOf(spec.SendMessage), JoinSchema: schemaOf(spec.JoinConversation),
		PingIntervalMs: c.Transport.PingIntervalMs, PingTimeoutMs: c.Transport.PingTimeoutMs,
		MaxHTTPBufferSize: c.Transport.MaxHTTPBufferSize, Retain: c.Limits.MaxMessagesPerRoom,
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}
