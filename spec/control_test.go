package spec_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/utalk/rtconform/spec"
)

// controlValidator builds the libopenapi validator of the embedded control document
// once: it is the real OpenAPI 3.1 check (the document against the 3.1 meta-schema,
// and requests and responses against the document).
var controlValidator = sync.OnceValues(func() (validator.Validator, error) {
	doc, err := libopenapi.NewDocument(spec.ControlDocument())
	if err != nil {
		return nil, err
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return v, nil
})

func mustControlValidator(t *testing.T) validator.Validator {
	t.Helper()
	v, err := controlValidator()
	if err != nil {
		t.Fatalf("control document: %v", err)
	}
	return v
}

func TestControlDocumentIsValidOpenAPI31(t *testing.T) {
	v := mustControlValidator(t)
	ok, errs := v.ValidateDocument()
	for _, e := range errs {
		t.Errorf("%s: %s", e.Message, e.Reason)
		for _, se := range e.SchemaValidationErrors {
			t.Errorf("  %s: %s", se.FieldPath, se.Reason)
		}
	}
	if !ok {
		t.Fatal("the control document is not valid OpenAPI 3.1")
	}
}

// TestControlOperations types the control surface of the brief in, so that the
// document cannot lose an operation silently.
func TestControlOperations(t *testing.T) {
	want := []spec.ControlOperation{
		{ID: spec.OpRegisterChannel, Method: "POST", Path: "/control/channels"},
		{ID: spec.OpInboundMessage, Method: "POST", Path: "/webhooks/twilio/whatsapp"},
		{ID: spec.OpDeliveryStatus, Method: "POST", Path: "/webhooks/twilio/status"},
		{ID: spec.OpExpelUser, Method: "POST", Path: "/control/expel"},
		{ID: spec.OpNotify, Method: "POST", Path: "/control/notifications"},
		{ID: spec.OpNotifySystem, Method: "POST", Path: "/control/system-notifications"},
		{ID: spec.OpStartEscalation, Method: "POST", Path: "/control/escalations"},
		{ID: spec.OpAssignConversation, Method: "POST", Path: "/control/assignments"},
		{ID: spec.OpDropTransport, Method: "POST", Path: "/control/drop"},
		{ID: spec.OpUploadMedia, Method: "POST", Path: "/media"},
		{ID: spec.OpGetMedia, Method: "GET", Path: "/media/{id}"},
		{ID: spec.OpGetHealth, Method: "GET", Path: "/health/socket"},
		{ID: spec.OpGetMetrics, Method: "GET", Path: "/metrics"},
	}
	s := spec.DefaultControl()
	if got, want := len(s.Operations), len(want); got != want {
		t.Errorf("len(Operations) = %d, want %d", got, want)
	}
	for _, w := range want {
		t.Run(w.ID, func(t *testing.T) {
			got, ok := s.Operation(w.ID)
			if !ok {
				t.Fatalf("operation %s is missing", w.ID)
			}
			if got.Method != w.Method || got.Path != w.Path {
				t.Errorf("%s = %s %s, want %s %s", w.ID, got.Method, got.Path, w.Method, w.Path)
			}
			if got.Summary == "" {
				t.Errorf("%s has no summary", w.ID)
			}
			control := strings.HasPrefix(w.Path, "/control/")
			if has := contains(got.Security, "controlToken"); has != control {
				t.Errorf("%s security %q: controlToken present = %v, want %v", w.ID, got.Security, has, control)
			}
		})
	}
}

func TestControlOperationURL(t *testing.T) {
	op, _ := spec.DefaultControl().Operation(spec.OpGetMedia)
	got := op.URL("http://127.0.0.1:3001/", map[string]string{"id": "media_1"})
	if want := "http://127.0.0.1:3001/media/media_1"; got != want {
		t.Errorf("URL = %q, want %q", got, want)
	}
}

// TestEventControlsAreOperations checks that every x-socketio.control of the contract
// names an operation of the control document.
func TestEventControlsAreOperations(t *testing.T) {
	s := spec.DefaultControl()
	for _, e := range spec.Default().Events {
		if e.Control == "" {
			continue
		}
		if _, ok := s.Operation(e.Control); !ok {
			t.Errorf("event %s: control %q is not an operationId of %s", e.Name, e.Control, spec.ControlFile)
		}
	}
	if got := spec.Default().Control.Document; got != spec.ControlFile {
		t.Errorf("x-socketio.control.document = %q, want %q", got, spec.ControlFile)
	}
}

func TestParseControlErrors(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"not yaml", "openapi: [", "invalid control document"},
		{"openapi 3.0", "openapi: 3.0.3\npaths: {}\n", `openapi version "3.0.3"`},
		{"no operationId", "openapi: 3.1.0\npaths:\n  /x:\n    get: {summary: x}\n", `operationId ""`},
		{"duplicate operationId", "openapi: 3.1.0\npaths:\n  /x:\n    get: {operationId: a}\n  /y:\n    get: {operationId: a}\n", `operationId "a"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := spec.ParseControl([]byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ParseControl error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func form(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v.Encode()
}

// TestControlRequests checks requests against the document: the examples of the brief
// are accepted and broken ones rejected, so the schemas say what the brief says.
func TestControlRequests(t *testing.T) {
	const (
		jsonType = "application/json"
		formType = "application/x-www-form-urlencoded"
		sid      = "SM0123456789abcdef0123456789abcdef"
		conv     = "conv_+15551234567_+14155550100"
	)
	tests := []struct {
		name, method, target, ctype, body string
		auth                              string
		valid                             bool
	}{
		{"channel", "POST", "/control/channels", jsonType, `{"number":"+14155550100","tenantId":"tenantA","workspaceId":"ws1"}`, "Bearer t", true},
		{"channel without bearer (no CONTROL_TOKEN)", "POST", "/control/channels", jsonType, `{"number":"+14155550100","tenantId":"tenantA","workspaceId":"ws1"}`, "", true},
		{"channel bad number", "POST", "/control/channels", jsonType, `{"number":"14155550100","tenantId":"tenantA","workspaceId":"ws1"}`, "", false},
		{"channel missing workspace", "POST", "/control/channels", jsonType, `{"number":"+14155550100","tenantId":"tenantA"}`, "", false},
		{"inbound", "POST", "/webhooks/twilio/whatsapp", formType, form("From", "whatsapp:+15551234567", "To", "whatsapp:+14155550100", "Body", "Hola", "MessageSid", sid, "ProfileName", "María", "NumMedia", "0", "AccountSid", "AC0123"), "", true},
		{"inbound without MessageSid", "POST", "/webhooks/twilio/whatsapp", formType, form("From", "whatsapp:+15551234567", "To", "whatsapp:+14155550100", "Body", "Hola"), "", false},
		{"inbound bad From", "POST", "/webhooks/twilio/whatsapp", formType, form("From", "+15551234567", "To", "whatsapp:+14155550100", "Body", "Hola", "MessageSid", sid), "", false},
		{"status", "POST", "/webhooks/twilio/status", formType, form("MessageSid", sid, "MessageStatus", "undelivered", "ErrorCode", "30003"), "", true},
		{"status unknown value", "POST", "/webhooks/twilio/status", formType, form("MessageSid", sid, "MessageStatus", "lost"), "", false},
		{"expel", "POST", "/control/expel", jsonType, `{"tenantId":"tenantA","userId":"agent_4f9a2c1e","reason":"account_suspended","message":"Tu cuenta ha sido suspendida"}`, "", true},
		{"expel without message", "POST", "/control/expel", jsonType, `{"tenantId":"tenantA","userId":"agent_4f9a2c1e","reason":"account_suspended"}`, "", false},
		{"notify user", "POST", "/control/notifications", jsonType, `{"tenantId":"tenantA","type":"info","title":"Nuevo","message":"Hola","userId":"agent_4f9a2c1e","data":{"conversationId":"` + conv + `"}}`, "", true},
		{"notify role", "POST", "/control/notifications", jsonType, `{"tenantId":"tenantA","type":"warning","title":"Nuevo","message":"Hola","role":"agent"}`, "", true},
		{"notify two targets", "POST", "/control/notifications", jsonType, `{"tenantId":"tenantA","type":"info","title":"Nuevo","message":"Hola","userId":"u1","workspaceId":"ws1"}`, "", false},
		{"notify no target", "POST", "/control/notifications", jsonType, `{"tenantId":"tenantA","type":"info","title":"Nuevo","message":"Hola"}`, "", false},
		{"system notification", "POST", "/control/system-notifications", jsonType, `{"tenantId":"tenantA","type":"maintenance","message":"Mantenimiento","scheduledAt":"2025-08-20T18:00:00Z"}`, "", true},
		{"system notification bad type", "POST", "/control/system-notifications", jsonType, `{"tenantId":"tenantA","type":"info","message":"Mantenimiento"}`, "", false},
		{"escalation", "POST", "/control/escalations", jsonType, `{"tenantId":"tenantA","conversationId":"` + conv + `","reason":"keyword","toAgent":"agent_4f9a2c1e"}`, "", true},
		{"escalation bad reason", "POST", "/control/escalations", jsonType, `{"tenantId":"tenantA","conversationId":"` + conv + `","reason":"angry"}`, "", false},
		{"assignment", "POST", "/control/assignments", jsonType, `{"tenantId":"tenantA","conversationId":"` + conv + `","agentId":"agent_4f9a2c1e","agentName":"John Doe"}`, "", true},
		{"assignment unknown field", "POST", "/control/assignments", jsonType, `{"tenantId":"tenantA","conversationId":"` + conv + `","agentId":"a","agentName":"J","x":1}`, "", false},
		{"drop user", "POST", "/control/drop", jsonType, `{"tenantId":"tenantA","userId":"agent_4f9a2c1e"}`, "", true},
		{"drop all", "POST", "/control/drop", jsonType, `{}`, "", true},
		{"media", "POST", "/media?conversationId=" + url.QueryEscape(conv) + "&messageId=msg_1&fileName=photo.jpg", "image/jpeg", "\xff\xd8\xff\xe0 jpeg bytes", "Bearer eyJ.x.y", true},
		{"media without fileName", "POST", "/media?conversationId=" + url.QueryEscape(conv) + "&messageId=msg_1", "image/jpeg", "bytes", "Bearer eyJ.x.y", false},
		{"media bad conversation", "POST", "/media?conversationId=chat_1&messageId=msg_1&fileName=a.jpg", "image/jpeg", "bytes", "Bearer eyJ.x.y", false},
		{"health", "GET", "/health/socket", "", "", "", true},
		{"metrics", "GET", "/metrics", "", "", "", true},
	}
	v := mustControlValidator(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			req := httptest.NewRequest(tt.method, "http://localhost:3001"+tt.target, body)
			if tt.ctype != "" {
				req.Header.Set("Content-Type", tt.ctype)
			}
			if tt.body != "" {
				req.Header.Set("Content-Length", strconv.Itoa(len(tt.body)))
			}
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			ok, errs := v.ValidateHttpRequest(req)
			var msgs []string
			for _, e := range errs {
				msgs = append(msgs, e.Message+": "+e.Reason)
			}
			if tt.ctype == formType {
				// libopenapi-validator does not check form bodies: do it here.
				if err := validateForm(tt.method, tt.target, tt.body); err != nil {
					ok = false
					msgs = append(msgs, err.Error())
				}
			}
			if ok != tt.valid {
				t.Errorf("valid = %v, want %v; errors: %q", ok, tt.valid, msgs)
			}
		})
	}
}

// TestControlResponses checks the documented response shapes with example bodies.
func TestControlResponses(t *testing.T) {
	health := `{"status":"healthy","timestamp":"2025-08-20T10:00:00Z",
	  "metrics":{"activeConnections":120,"activeRooms":45,"uptime":3600.5},
	  "redis":{"connected":true,"status":"ok"},"instance":"ref-1",
	  "contract":{"title":"UTalk realtime contract","version":"1.0.0","hash":"` + strings.Repeat("ab", 32) + `"},
	  "settings":{"pingIntervalMs":25000,"pingTimeoutMs":60000,"rateLimits":{"message:send":{"limit":60,"windowMs":60000}},
	    "rateLimitScale":1,"rateLimitsDisabled":false,"limitsRaised":false}}`
	// The source document's own health payload (with process.uptime() and the Redis
	// adapter's state given values) is accepted: the extensions are optional.
	docHealth := `{"status":"healthy","timestamp":"2025-08-20T10:00:00Z",
	  "metrics":{"activeConnections":0,"activeRooms":0,"uptime":12.5},"redis":{"connected":false,"status":"disabled"}}`
	media := `{"id":"media_1","conversationId":"conv_+15551234567_+14155550100","messageId":"msg_1","type":"image",
	  "mimeType":"image/jpeg","fileName":"photo.jpg","sizeBytes":13,"url":"http://localhost:3001/media/media_1",
	  "publicUrl":"http://localhost:3001/media/media_1","uploadedBy":"agent_4f9a2c1e","createdAt":"2025-08-20T10:00:00Z"}`
	tests := []struct {
		name, method, target, ctype string
		status                      int
		body                        string
		valid                       bool
	}{
		{"health", "GET", "/health/socket", "application/json", 200, health, true},
		{"document health", "GET", "/health/socket", "application/json", 200, docHealth, true},
		{"health bad status", "GET", "/health/socket", "application/json", 200, strings.Replace(docHealth, `"healthy"`, `"ok"`, 1), false},
		{"expel count", "POST", "/control/expel", "application/json", 200, `{"sockets":2}`, true},
		{"expel count negative", "POST", "/control/expel", "application/json", 200, `{"sockets":-1}`, false},
		{"notify id", "POST", "/control/notifications", "application/json", 202, `{"id":"ntf_1"}`, true},
		{"escalation id", "POST", "/control/escalations", "application/json", 201, `{"id":"esc_1"}`, true},
		{"unauthorized", "POST", "/control/expel", "application/json", 401, `{"code":"AUTHENTICATION_FAILED","message":"Token inválido"}`, true},
		{"validation error", "POST", "/control/expel", "application/json", 400, `{"code":"VALIDATION_ERROR","message":"falta userId","details":{"field":"/userId","rule":"required"}}`, true},
		{"unknown code", "POST", "/control/expel", "application/json", 400, `{"code":"BAD","message":"x"}`, false},
		{"not found", "POST", "/webhooks/twilio/whatsapp", "application/json", 404, `{"code":"NOT_FOUND","message":"Número no registrado"}`, true},
		{"twiml", "POST", "/webhooks/twilio/whatsapp", "text/xml", 200, `<Response/>`, true},
		{"media uploaded", "POST", "/media", "application/json", 201, media, true},
		{"media too large", "POST", "/media", "application/json", 413, `{"code":"PAYLOAD_TOO_LARGE","message":"x","details":{"limit":16777216,"size":20971520}}`, true},
	}
	v := mustControlValidator(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, "http://localhost:3001"+tt.target, nil)
			res := &http.Response{StatusCode: tt.status, Header: http.Header{"Content-Type": {tt.ctype}},
				Body: io.NopCloser(bytes.NewBufferString(tt.body)), Request: req}
			ok, errs := v.ValidateHttpResponse(req, res)
			if ok != tt.valid {
				var msgs []string
				for _, e := range errs {
					msgs = append(msgs, e.Message+": "+e.Reason)
				}
				t.Errorf("valid = %v, want %v; errors: %q", ok, tt.valid, msgs)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// controlSchemas compiles the control document's schemas as JSON Schema 2020-12 (the
// dialect of OpenAPI 3.1).
var controlSchemas = sync.OnceValues(func() (*jsonschema.Compiler, error) {
	var doc any
	if err := yaml.Unmarshal(spec.ControlDocument(), &doc); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	root, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource("urn:utalk:control", root); err != nil {
		return nil, err
	}
	return c, nil
})

// formSchema returns the pointer of the form schema of the operation at method target.
func formSchema(method, target string) (string, error) {
	var doc struct {
		Paths map[string]map[string]struct {
			RequestBody struct {
				Content map[string]struct {
					Schema struct {
						Ref string `yaml:"$ref"`
					} `yaml:"schema"`
				} `yaml:"content"`
			} `yaml:"requestBody"`
		} `yaml:"paths"`
	}
	if err := yaml.Unmarshal(spec.ControlDocument(), &doc); err != nil {
		return "", err
	}
	path, _, _ := strings.Cut(target, "?")
	op, ok := doc.Paths[path][strings.ToLower(method)]
	if !ok {
		return "", fmt.Errorf("no operation %s %s", method, path)
	}
	ref := op.RequestBody.Content["application/x-www-form-urlencoded"].Schema.Ref
	if ref == "" {
		return "", fmt.Errorf("%s %s has no form schema", method, path)
	}
	return ref, nil
}

// validateForm decodes a form body (integers where the schema says integer, as a
// server does) and validates it against the operation's form schema.
func validateForm(method, target, body string) error {
	c, err := controlSchemas()
	if err != nil {
		return err
	}
	ref, err := formSchema(method, target)
	if err != nil {
		return err
	}
	s, err := c.Compile("urn:utalk:control" + ref)
	if err != nil {
		return err
	}
	vals, err := url.ParseQuery(body)
	if err != nil {
		return err
	}
	m := map[string]any{}
	for k := range vals {
		v := vals.Get(k)
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && s.Properties[k] != nil && intTyped(s.Properties[k]) {
			m[k] = n
			continue
		}
		m[k] = v
	}
	return s.Validate(m)
}

func intTyped(s *jsonschema.Schema) bool {
	for s.Ref != nil {
		s = s.Ref
	}
	return s.Types != nil && strings.Contains(s.Types.String(), "integer")
}
