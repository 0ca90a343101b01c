package reference

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/utalk/rtconform/spec"
)

// codeNotFound is the HTTP-only code of the control surface for an unknown number,
// sid or conversation.
const codeNotFound = "NOT_FOUND"

const maxControlBody = 64 << 10

// routes is the listener's whole HTTP surface.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	path := s.c.Transport.Path
	if !strings.HasSuffix(path, "/") {
		path += "/"
	}
	// The longest a poll can legitimately wait: a ping interval, then the ping itself
	// may take the ping timeout to go out.
	mux.Handle(path, boundPolls(releaseOnHijack(s.engine), s.cfg.PingInterval+s.cfg.PingTimeout))
	mux.HandleFunc("GET /health/socket", s.handleHealth)
	mux.Handle("GET /metrics", s.m.handler())
	mux.HandleFunc("POST /control/channels", s.control(s.handleChannels))
	mux.HandleFunc("POST /control/expel", s.control(s.handleExpel))
	mux.HandleFunc("POST /control/notifications", s.control(s.handleNotify))
	mux.HandleFunc("POST /control/system-notifications", s.control(s.handleNotifySystem))
	mux.HandleFunc("POST /control/escalations", s.control(s.handleEscalation))
	mux.HandleFunc("POST /control/assignments", s.control(s.handleAssignment))
	mux.HandleFunc("POST /control/drop", s.control(s.handleDrop))
	mux.HandleFunc("/control/", s.control(func(w http.ResponseWriter, r *http.Request) {
		httpError(w, http.StatusNotFound, codeNotFound, "Ruta de control desconocida: "+r.Method+" "+r.URL.Path, nil)
	}))
	mux.HandleFunc("POST /webhooks/twilio/whatsapp", s.handleInbound)
	mux.HandleFunc("POST /webhooks/twilio/status", s.handleStatusCallback)
	mux.HandleFunc("POST /media", s.handleUpload)
	mux.HandleFunc("GET /media/{id}", s.handleMediaGet)
	if s.cfg.Pprof {
		mountPprof(mux)
	}
	return mux
}

// control guards a /control/* handler with the control token, when one is set.
func (s *Server) control(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if t := s.cfg.ControlToken; t != "" {
			got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(t)) != 1 {
				httpError(w, http.StatusUnauthorized, string(spec.CodeAuthenticationFailed), "Token de control requerido", nil)
				return
			}
		}
		h(w, r)
	}
}

// httpError writes the control surface's error body {code, message, details?}.
func httpError(w http.ResponseWriter, status int, code, message string, details map[string]any) {
	body := map[string]any{"code": code, "message": message}
	if details != nil {
		body["details"] = details
	}
	writeJSON(w, status, body)
}

func badField(w http.ResponseWriter, field, message string) {
	httpError(w, http.StatusBadRequest, string(spec.CodeValidationError), "Datos inválidos: "+field+": "+message,
		map[string]any{"field": field})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

// decodeBody strictly decodes a JSON body into v: unknown fields, wrong types and
// trailing data are 400 VALIDATION_ERROR naming the field; a body over the limit
// is 413.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxControlBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("trailing data after the JSON object")
	}
	if err == nil {
		return true
	}
	var tooBig *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooBig):
		httpError(w, http.StatusRequestEntityTooLarge, string(spec.CodePayloadTooLarge),
			fmt.Sprintf("Cuerpo mayor que %d bytes", maxControlBody), map[string]any{"limit": maxControlBody})
	case errors.As(err, &typeErr):
		badField(w, "/"+strings.ReplaceAll(typeErr.Field, ".", "/"), "se esperaba "+typeErr.Type.String())
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		badField(w, "/"+f, "campo desconocido")
	case errors.Is(err, io.EOF):
		badField(w, "", "cuerpo vacío")
	default:
		badField(w, "", err.Error())
	}
	return false
}

// required checks that each named value is set, answering 400 for the first that is
// not. Names are JSON pointers for a JSON body (/tenantId), else the form field,
// query parameter or header.
func required(w http.ResponseWriter, pairs ...string) bool {
	for i := 0; i+1 < len(pairs); i += 2 {
		if strings.TrimSpace(pairs[i+1]) == "" {
			httpError(w, http.StatusBadRequest, string(spec.CodeValidationError), "Datos inválidos: "+pairs[i]+": requerido",
				map[string]any{"field": pairs[i], "rule": "required"})
			return false
		}
	}
	return true
}

// idPattern is the control surface's Id: a tenant, workspace or user id.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9._:@+-]{1,128}$`)

// ids checks the Id fields that are set (pairs of JSON pointer and value).
func ids(w http.ResponseWriter, pairs ...string) bool {
	for i := 0; i+1 < len(pairs); i += 2 {
		if v := pairs[i+1]; v != "" && !idPattern.MatchString(v) {
			httpError(w, http.StatusBadRequest, string(spec.CodeValidationError), "Datos inválidos: "+pairs[i]+": identificador inválido",
				map[string]any{"field": pairs[i], "rule": "pattern"})
			return false
		}
	}
	return true
}
