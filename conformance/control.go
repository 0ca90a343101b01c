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

	"github.com/utalk/rtconform/spec"
)

// Control is a client of the target's HTTP control surface
// (spec/utalk-control.openapi.yaml). Operations are looked up by operationId in the
// control document, never by a typed path.
type Control struct {
	base  string
	token string
	hc    *http.Client
	rec   *Record
	doc   *spec.ControlSurface
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
// offers none (specs then Skip(MissingPrefix + reason)).
func (w *World) Control() (*Control, string) {
	if w.T.ControlURL == "" {
		return nil, spec.RequiresControl + ": " + w.T.Missing(spec.RequiresControl)
	}
	return &Control{base: w.T.ControlURL, token: w.T.ControlToken, hc: w.T.HTTPClient(), rec: w.Rec, doc: spec.DefaultControl()}, ""
}

// Response is a control-surface answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// JSON is the body decoded as an object, nil when it is not one.
	JSON map[string]any
}

// Call runs operation op (an operationId) with path parameters params, query
// parameters query, a body and its content type. A bearer token is sent on /control/*
// operations when CONTROL_TOKEN is set; bearer, when not empty, replaces it (the
// user's JWT for /media). Non-2xx answers come back with a *ControlError.
func (c *Control) Call(ctx context.Context, op string, params map[string]string, query url.Values, ctype string, body []byte, bearer string) (*Response, error) {
	o, ok := c.doc.Operation(op)
	if !ok {
		return nil, fmt.Errorf("control: the control document has no operation %q", op)
	}
	u := o.URL(c.base, params)
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, o.Method, u, rd)
	if err != nil {
		return nil, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	switch {
	case bearer != "":
		req.Header.Set("Authorization", "Bearer "+bearer)
	case c.token != "" && strings.HasPrefix(o.Path, "/control/"):
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	var logged any
	if ctype == "application/json" || strings.HasPrefix(ctype, "application/x-www-form") {
		logged = string(body)
	} else if body != nil {
		logged = fmt.Sprintf("(%d bytes of %s)", len(body), ctype)
	}
	c.rec.Add("http", "control", o.Method+" "+strings.TrimPrefix(u, c.base), logged, op)
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("control %s %s: %w", o.Method, o.Path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	out := &Response{Status: resp.StatusCode, Header: resp.Header, Body: raw}
	_ = json.Unmarshal(raw, &out.JSON)
	var shown any = out.JSON
	if out.JSON == nil && len(raw) > 0 {
		shown = truncate(string(raw), 200)
	}
	c.rec.Add("http", "control", fmt.Sprintf("%d %s", resp.StatusCode, o.Path), shown, op)
	if resp.StatusCode/100 != 2 {
		return out, &ControlError{Method: o.Method, Path: o.Path, Status: resp.StatusCode, Body: string(raw)}
	}
	return out, nil
}

// JSON runs op with a JSON body and returns the decoded answer.
func (c *Control) JSON(ctx context.Context, op string, body any) (map[string]any, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	r, err := c.Call(ctx, op, nil, nil, "application/json", b, "")
	if r == nil {
		return nil, err
	}
	return r.JSON, err
}

// Form runs op with form values (the Twilio-shaped webhooks).
func (c *Control) Form(ctx context.Context, op string, v url.Values) (*Response, error) {
	return c.Call(ctx, op, nil, nil, "application/x-www-form-urlencoded", []byte(v.Encode()), "")
}

// Drop closes the transports of a user's sockets (clients reconnect by themselves).
func (c *Control) Drop(ctx context.Context, u User) (int, error) {
	out, err := c.JSON(ctx, spec.OpDropTransport, map[string]any{"tenantId": u.Tenant, "userId": u.ID})
	return count(out), err
}

// Expel expels a user.
func (c *Control) Expel(ctx context.Context, u User, reason string) (map[string]any, error) {
	return c.JSON(ctx, spec.OpExpelUser, map[string]any{"tenantId": u.Tenant, "userId": u.ID, "reason": reason, "message": "expelled by the conformance suite"})
}

// RegisterChannel maps a business number to the world's tenant and workspace.
func (c *Control) RegisterChannel(ctx context.Context, w *World, number string) error {
	_, err := c.JSON(ctx, spec.OpRegisterChannel, map[string]any{"number": number, "tenantId": w.Tenant, "workspaceId": w.Workspace})
	return err
}

// Inbound posts a Twilio-shaped inbound WhatsApp message from customer to business.
func (c *Control) Inbound(ctx context.Context, customer, business, body, sid string) error {
	_, err := c.Form(ctx, spec.OpInboundMessage, url.Values{
		"From": {"whatsapp:" + customer}, "To": {"whatsapp:" + business}, "Body": {body},
		"MessageSid": {sid}, "NumMedia": {"0"}, "ProfileName": {"Conformance"},
	})
	return err
}

// Health fetches the health report of instance base (GET /health/socket).
func (c *Control) Health(ctx context.Context) (*Response, error) {
	return c.Call(ctx, spec.OpGetHealth, nil, nil, "", nil, "")
}

// Upload posts data as a media file of conversation conv, authenticated with the
// user's token.
func (c *Control) Upload(ctx context.Context, tok, conv, messageID, fileName, mime string, data []byte) (*Response, error) {
	q := url.Values{"conversationId": {conv}, "messageId": {messageID}, "fileName": {fileName}}
	return c.Call(ctx, spec.OpUploadMedia, nil, q, mime, data, tok)
}

// At returns a client of the control surface of another base URL (an instance).
func (c *Control) At(base string) *Control {
	cp := *c
	cp.base = base
	return &cp
}

func count(out map[string]any) int {
	f, _ := out["sockets"].(float64)
	return int(f)
}

// TwilioSid returns a fresh Twilio-style message sid, SM and 32 hex digits.
func TwilioSid() string { return "SM" + randomHex(16) }

// Observer returns a client of the open operations of instance i (getHealth,
// getMetrics), which a target serves on its Socket.IO listener with or without a
// control surface.
func (w *World) Observer(i int) *Control {
	return &Control{base: w.T.URL(i), hc: w.T.HTTPClient(), rec: w.Rec, doc: spec.DefaultControl()}
}
