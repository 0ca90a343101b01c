package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Control is a client of the target's HTTP control surface (spec/utalk-control.openapi.yaml).
type Control struct {
	base  string
	token string
	hc    *http.Client
	rec   *Record
}

// ControlError is a control-surface call that did not answer 2xx.
type ControlError struct {
	Method, Path string
	Status       int
	Body         string
}

func (e *ControlError) Error() string {
	return fmt.Sprintf("control %s %s: HTTP %d: %s", e.Method, e.Path, e.Status, truncate(e.Body, 300))
}

// Control returns the control-surface client, or nil and the reason when the target
// offers none (specs then Skip("missing: ...")).
func (w *World) Control() (*Control, string) {
	if w.T.ControlURL == "" {
		return nil, w.T.Missing("control")
	}
	return &Control{base: w.T.ControlURL, token: w.T.ControlToken, hc: w.T.HTTPClient(), rec: w.Rec}, ""
}

// JSON posts body as JSON to path and decodes a JSON answer into an object.
func (c *Control) JSON(ctx context.Context, path string, body any) (map[string]any, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	c.rec.Add("http", "control", "POST "+path, body, "")
	return c.do(ctx, http.MethodPost, path, "application/json", bytes.NewReader(b))
}

// Form posts form values to path (the Twilio-shaped webhooks).
func (c *Control) Form(ctx context.Context, path string, v url.Values) (map[string]any, error) {
	c.rec.Add("http", "control", "POST "+path, v, "form")
	return c.do(ctx, http.MethodPost, path, "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
}

// Get fetches path and decodes a JSON answer.
func (c *Control) Get(ctx context.Context, path string) (map[string]any, error) {
	c.rec.Add("http", "control", "GET "+path, nil, "")
	return c.do(ctx, http.MethodGet, path, "", nil)
}

func (c *Control) do(ctx context.Context, method, path, ctype string, body io.Reader) (map[string]any, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("control %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	c.rec.Add("http", "control", fmt.Sprintf("%d %s", resp.StatusCode, path), out, "")
	if resp.StatusCode/100 != 2 {
		return out, &ControlError{Method: method, Path: path, Status: resp.StatusCode, Body: string(raw)}
	}
	return out, nil
}

// Drop closes the transports of a user's sockets (clients reconnect by themselves).
func (c *Control) Drop(ctx context.Context, u User) (map[string]any, error) {
	return c.JSON(ctx, "/control/drop", map[string]any{"tenantId": u.Tenant, "userId": u.ID})
}

// Expel expels a user.
func (c *Control) Expel(ctx context.Context, u User, reason string) (map[string]any, error) {
	return c.JSON(ctx, "/control/expel", map[string]any{"tenantId": u.Tenant, "userId": u.ID, "reason": reason, "message": "expelled by the conformance suite"})
}

// Health fetches GET /health/socket.
func (c *Control) Health(ctx context.Context) (map[string]any, error) {
	return c.Get(ctx, "/health/socket")
}
