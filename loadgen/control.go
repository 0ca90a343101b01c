package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// health fetches the target's GET /health/socket (raw) and its limitsRaised flag.
func (e *engine) health(ctx context.Context) (json.RawMessage, *bool, error) {
	b, err := e.get(ctx, e.cfg.Target+"/health/socket")
	if err != nil {
		return nil, nil, err
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, nil, fmt.Errorf("health: %w", err)
	}
	return b, findBool(v, "limitsRaised"), nil
}

func findBool(v any, key string) *bool {
	switch t := v.(type) {
	case map[string]any:
		if b, ok := t[key].(bool); ok {
			return &b
		}
		for _, x := range t {
			if b := findBool(x, key); b != nil {
				return b
			}
		}
	case []any:
		for _, x := range t {
			if b := findBool(x, key); b != nil {
				return b
			}
		}
	}
	return nil
}

// rss reads process_resident_memory_bytes from the target's Prometheus endpoint.
func (e *engine) rss(ctx context.Context) (int64, error) {
	u := e.sc.Memory.MetricsURL
	if u == "" {
		u = e.cfg.Target + "/metrics"
	}
	b, err := e.get(ctx, u)
	if err != nil {
		return 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "process_resident_memory_bytes ") {
			f, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimPrefix(line, "process_resident_memory_bytes")), 64)
			return int64(f), err
		}
	}
	return 0, fmt.Errorf("%s: no process_resident_memory_bytes", u)
}

func (e *engine) get(ctx context.Context, u string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := e.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return b, nil
}

// post sends a JSON or form body to the control surface.
func (e *engine) post(ctx context.Context, path string, body io.Reader, ctype string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.cfg.ControlURL+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", ctype)
	resp, err := e.http.Do(req)
	if err != nil {
		return fmt.Errorf("control %s: %w", path, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("control %s: %s", path, resp.Status)
	}
	return nil
}

func (e *engine) postJSON(ctx context.Context, path string, v any) error {
	b, _ := json.Marshal(v)
	return e.post(ctx, path, bytes.NewReader(b), "application/json")
}

// drop asks the target to close every transport of the tenant.
func (e *engine) drop(ctx context.Context) error {
	return e.postJSON(ctx, "/control/drop", map[string]string{"tenantId": e.sc.Tenant.ID})
}

// registerChannel maps the business number to the tenant and workspace.
func (e *engine) registerChannel(ctx context.Context) error {
	return e.postJSON(ctx, "/control/channels", map[string]string{
		"number": e.sc.Tenant.Business, "tenantId": e.sc.Tenant.ID, "workspaceId": e.sc.Tenant.Workspace})
}

// inbound posts a customer's WhatsApp message through the Twilio-shaped webhook.
func (e *engine) inbound(ctx context.Context, from, body, sid string) error {
	f := url.Values{"From": {from}, "To": {e.sc.Tenant.Business}, "Body": {body}, "MessageSid": {sid}}
	return e.post(ctx, "/webhooks/twilio/whatsapp", strings.NewReader(f.Encode()), "application/x-www-form-urlencoded")
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
