package spec

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// The operation ids of the control surface (utalk-control.openapi.yaml). An event's
// Control field names one of them: the operation that makes the server emit it.
const (
	OpRegisterChannel    = "registerChannel"
	OpInboundMessage     = "inboundMessage"
	OpDeliveryStatus     = "deliveryStatus"
	OpExpelUser          = "expelUser"
	OpNotify             = "notify"
	OpNotifySystem       = "notifySystem"
	OpStartEscalation    = "startEscalation"
	OpAssignConversation = "assignConversation"
	OpDropTransport      = "dropTransport"
	OpUploadMedia        = "uploadMedia"
	OpGetMedia           = "getMedia"
	OpGetHealth          = "getHealth"
	OpGetMetrics         = "getMetrics"
)

// ControlOperation is one operation of the control surface.
type ControlOperation struct {
	// ID is the OpenAPI operationId, for example "expelUser".
	ID string `json:"id"`
	// Method is the HTTP method in upper case.
	Method string `json:"method"`
	// Path is the path template, for example "/media/{id}".
	Path    string `json:"path"`
	Summary string `json:"summary"`
	// Security lists the security schemes that may authorize the operation; "" in
	// the list means the operation may also be called without credentials (the
	// scheme is only enforced when the server configures it).
	Security []string `json:"security,omitempty"`
}

// URL joins base (for example "http://127.0.0.1:3001") and the operation's path with
// each {name} replaced by the matching value of params.
func (o ControlOperation) URL(base string, params map[string]string) string {
	p := o.Path
	for k, v := range params {
		p = strings.ReplaceAll(p, "{"+k+"}", v)
	}
	return strings.TrimRight(base, "/") + p
}

// ControlSurface is the parsed control-surface document.
type ControlSurface struct {
	Title      string             `json:"title"`
	Version    string             `json:"version"`
	Operations []ControlOperation `json:"operations"`
}

// Operation returns the operation with the given operationId.
func (s *ControlSurface) Operation(id string) (ControlOperation, bool) {
	for _, o := range s.Operations {
		if o.ID == id {
			return o, true
		}
	}
	return ControlOperation{}, false
}

// ErrInvalidControl is wrapped by every error ParseControl returns.
var ErrInvalidControl = errors.New("invalid control document")

type rawOpenAPI struct {
	OpenAPI  string                          `yaml:"openapi"`
	Info     rawInfo                         `yaml:"info"`
	Security []map[string][]string           `yaml:"security"`
	Paths    map[string]map[string]yaml.Node `yaml:"paths"`
}

type rawOperation struct {
	OperationID string                 `yaml:"operationId"`
	Summary     string                 `yaml:"summary"`
	Security    *[]map[string][]string `yaml:"security"`
}

var httpMethods = map[string]string{
	"get": http.MethodGet, "put": http.MethodPut, "post": http.MethodPost,
	"delete": http.MethodDelete, "options": http.MethodOptions, "head": http.MethodHead,
	"patch": http.MethodPatch, "trace": http.MethodTrace,
}

// ParseControl reads the operations of an OpenAPI 3.1 control-surface document. It
// checks only what it reads (version, unique operation ids); the tests validate the
// embedded document against the OpenAPI 3.1 specification.
func ParseControl(data []byte) (*ControlSurface, error) {
	var doc rawOpenAPI
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidControl, err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		return nil, fmt.Errorf("%w: openapi version %q: want 3.1.x", ErrInvalidControl, doc.OpenAPI)
	}
	s := &ControlSurface{Title: doc.Info.Title, Version: doc.Info.Version}
	seen := map[string]bool{}
	for path, item := range doc.Paths {
		for method, node := range item {
			m, ok := httpMethods[method]
			if !ok {
				continue // parameters, summary, servers...
			}
			var op rawOperation
			if err := node.Decode(&op); err != nil {
				return nil, fmt.Errorf("%w: %s %s: %v", ErrInvalidControl, m, path, err)
			}
			if op.OperationID == "" || seen[op.OperationID] {
				return nil, fmt.Errorf("%w: %s %s: operationId %q is empty or used twice", ErrInvalidControl, m, path, op.OperationID)
			}
			seen[op.OperationID] = true
			sec := doc.Security
			if op.Security != nil {
				sec = *op.Security
			}
			s.Operations = append(s.Operations, ControlOperation{ID: op.OperationID, Method: m, Path: path,
				Summary: op.Summary, Security: schemes(sec)})
		}
	}
	sort.Slice(s.Operations, func(i, j int) bool {
		a, b := s.Operations[i], s.Operations[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Method < b.Method
	})
	return s, nil
}

func schemes(reqs []map[string][]string) []string {
	var out []string
	for _, r := range reqs {
		if len(r) == 0 {
			out = append(out, "")
		}
		for name := range r {
			out = append(out, name)
		}
	}
	return out
}

var (
	controlOnce    sync.Once
	defaultControl *ControlSurface
	controlErr     error
)

// DefaultControl returns the embedded control surface, parsed once. It panics if the
// embedded document is invalid, which the package's own tests rule out.
func DefaultControl() *ControlSurface {
	controlOnce.Do(func() { defaultControl, controlErr = ParseControl(embeddedControl) })
	if controlErr != nil {
		panic("spec: embedded control document is invalid: " + controlErr.Error())
	}
	return defaultControl
}
