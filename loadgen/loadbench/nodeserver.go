package loadbench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/utalk/rtconform/spec"
)

// nodeConfig is what bench/node/server.js reads from BENCH_CONFIG. It is written
// as package bench writes it (bench/nodeconfig.go, unexported there): event names and
// payload schemas from the contract, so the Node server speaks the same variant.
type nodeConfig struct {
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

func writeNodeConfig(path string, c *spec.Contract, port int, secret, namespace string) error {
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
	cfg := nodeConfig{
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

// server is a server under test and the URL clients use.
type server struct {
	*process
	url string
}

// startNodeServer starts bench/node/server.js on a free loopback port, with a config
// written into dir under tag.
func startNodeServer(ctx context.Context, o *Options, secret, dir, tag string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cfgPath := filepath.Join(dir, tag+"-node-config.json")
	if err := writeNodeConfig(cfgPath, o.Contract, port, secret, o.namespace()); err != nil {
		return nil, err
	}
	script, err := filepath.Abs(filepath.Join(o.NodeServerDir, "server.js"))
	if err != nil {
		return nil, err
	}
	p, err := startProcess("node server ("+tag+")", []string{o.Node, script}, []string{"BENCH_CONFIG=" + cfgPath},
		"", filepath.Join(dir, tag+"-node-server.log"))
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	if err := p.waitListen(ctx, addr, 30*time.Second); err != nil {
		return nil, err
	}
	return &server{process: p, url: "http://" + addr}, nil
}
