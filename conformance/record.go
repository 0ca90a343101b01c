package conformance

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/utalk/rtconform/report/verdict"
)

// Report entry names the suite attaches to every spec; ReportAfterSuite reads them back.
const (
	EntryTranscript = "conformance.transcript"
	EntryPayloads   = "conformance.payloads"
)

// Record is what one spec sent and received, and what it saw of the server's payloads.
// Every client of a spec writes into the spec's Record.
type Record struct {
	start time.Time
	mu    sync.Mutex
	lines []verdict.Line
	stats PayloadStats
}

// PayloadStats counts, per server event role, the payloads seen and the violations.
// Key unknownEventKey collects events the contract does not know.
type PayloadStats map[string]*PayloadStat

// PayloadStat is the tally of one server event.
type PayloadStat struct {
	Seen       int      `json:"seen"`
	Violations []string `json:"violations,omitempty"`
}

// unknownEventKey collects server events that are not in the catalogue.
const unknownEventKey = "(unknown)"

// maxViolations bounds the examples kept per event.
const maxViolations = 5

// maxLines bounds a transcript (a burst spec would otherwise keep thousands).
const maxLines = 400

// maxLineData bounds the payload kept on one transcript line: an oversized payload (the
// limits specs send megabytes) is kept as its size and its first bytes.
const maxLineData = 2048

// NewRecord starts an empty record.
func NewRecord() *Record { return &Record{start: time.Now(), stats: PayloadStats{}} }

// Add appends a line to the transcript.
func (r *Record) Add(dir, actor, event string, data any, remark string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	full := len(r.lines) > maxLines && dir != "note"
	r.mu.Unlock()
	if full {
		return
	}
	var raw json.RawMessage
	if data != nil {
		if b, err := json.Marshal(data); err == nil {
			raw = b
		} else {
			raw, _ = json.Marshal(fmt.Sprint(data))
		}
		if len(raw) > maxLineData {
			raw, _ = json.Marshal(fmt.Sprintf("(%d bytes) %s...", len(raw), raw[:200]))
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.lines) == maxLines {
		r.lines = append(r.lines, verdict.Line{At: time.Since(r.start), Dir: "note", Remark: "transcript truncated"})
	}
	if len(r.lines) > maxLines && dir != "note" {
		return
	}
	r.lines = append(r.lines, verdict.Line{At: time.Since(r.start), Dir: dir, Actor: actor, Event: event, Data: raw, Remark: remark})
}

// Note appends a remark.
func (r *Record) Note(format string, args ...any) {
	r.Add("note", "", "", nil, fmt.Sprintf(format, args...))
}

// observe tallies one server payload; violation is "" when it validated.
func (r *Record) observe(key, violation string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.stats[key]
	if s == nil {
		s = &PayloadStat{}
		r.stats[key] = s
	}
	s.Seen++
	if violation != "" && len(s.Violations) < maxViolations {
		s.Violations = append(s.Violations, violation)
	}
}

// Transcript is the JSON form of a record's lines, attached to the spec report.
type Transcript []verdict.Line

// String renders the transcript for Ginkgo's failure output.
func (t Transcript) String() string {
	var b strings.Builder
	for _, l := range t {
		b.WriteString(verdict.FormatLine(l))
		b.WriteByte('\n')
	}
	return b.String()
}

// Lines returns a copy of the transcript.
func (r *Record) Lines() Transcript {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append(Transcript(nil), r.lines...)
}

// Stats returns a copy of the payload tallies.
func (r *Record) Stats() PayloadStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := PayloadStats{}
	for k, v := range r.stats {
		c := *v
		c.Violations = append([]string(nil), v.Violations...)
		out[k] = &c
	}
	return out
}

// merge adds o into s.
func (s PayloadStats) merge(o PayloadStats) {
	for k, v := range o {
		t := s[k]
		if t == nil {
			t = &PayloadStat{}
			s[k] = t
		}
		t.Seen += v.Seen
		for _, x := range v.Violations {
			if len(t.Violations) < maxViolations {
				t.Violations = append(t.Violations, x)
			}
		}
	}
}
