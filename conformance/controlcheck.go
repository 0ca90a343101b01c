package conformance

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"github.com/utalk/rtconform/spec"
)

// controlValidator checks control-surface answers against the OpenAPI document, built
// once per process.
var controlValidator = sync.OnceValues(func() (validator.Validator, error) {
	doc, err := libopenapi.NewDocument(spec.ControlDocument())
	if err != nil {
		return nil, fmt.Errorf("control document: %w", err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		return nil, fmt.Errorf("control document: %w", errs[0])
	}
	return v, nil
})

// CheckResponse validates the answer r to a call of operation op (method and path
// from the control document, the query as sent) against the document's response
// schema for r's status. It returns nil when the answer conforms.
func CheckResponse(op string, query string, r *Response) error {
	v, err := controlValidator()
	if err != nil {
		return err
	}
	o, ok := spec.DefaultControl().Operation(op)
	if !ok {
		return fmt.Errorf("the control document has no operation %q", op)
	}
	u := "http://localhost" + o.Path
	if query != "" {
		u += "?" + query
	}
	req, err := http.NewRequest(o.Method, u, nil)
	if err != nil {
		return err
	}
	resp := &http.Response{StatusCode: r.Status, Header: r.Header, Body: io.NopCloser(bytes.NewReader(r.Body)), Request: req}
	if valid, errs := v.ValidateHttpResponse(req, resp); !valid {
		var msgs []string
		for _, e := range errs {
			m := e.Message
			if e.Reason != "" {
				m += ": " + e.Reason
			}
			for _, se := range e.SchemaValidationErrors {
				m += fmt.Sprintf("; %s %s", se.FieldPath, se.Reason)
			}
			msgs = append(msgs, m)
		}
		return fmt.Errorf("%s answer (HTTP %d) does not conform to the control document: %s", op, r.Status, strings.Join(msgs, " | "))
	}
	return nil
}
