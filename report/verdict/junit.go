package verdict

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// JUnit XML: one testsuite for the run, one testcase per clause. A failing clause has a
// <failure>, a missing one <skipped> with the reason, a waived one <skipped> naming the
// waiver, so CI dashboards show the same counts as report.html.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes r as JUnit XML.
func WriteJUnit(w io.Writer, r *Results) error {
	s := junitSuite{Name: "conformance", Timestamp: r.Stamp.Started.UTC().Format("2006-01-02T15:04:05")}
	for _, p := range stampProperties(r.Stamp) {
		s.Properties = append(s.Properties, junitProperty{Name: p[0], Value: p[1]})
	}
	for _, c := range r.Clauses {
		jc := junitCase{Name: c.ID, Classname: "conformance." + area(c), Time: fmt.Sprintf("%.3f", seconds(c))}
		switch c.Verdict {
		case Fail:
			s.Failures++
			jc.Failure = &junitMessage{Message: oneLine(c.Reason), Type: "conformance", Text: failureText(c)}
		case Missing:
			s.Skipped++
			jc.Skipped = &junitMessage{Message: "missing: " + oneLine(c.Reason)}
		case Waived:
			s.Skipped++
			jc.Skipped = &junitMessage{Message: "waived: " + oneLine(c.Reason)}
		}
		s.Cases = append(s.Cases, jc)
	}
	for _, p := range r.Problems {
		s.Failures++
		s.Cases = append(s.Cases, junitCase{Name: "run", Classname: "conformance.run",
			Failure: &junitMessage{Message: oneLine(p), Type: "run"}})
	}
	s.Tests = len(s.Cases)
	out := junitSuites{Name: "rtconform", Tests: s.Tests, Failures: s.Failures, Skipped: s.Skipped, Suites: []junitSuite{s}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("encode junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func area(c Clause) string {
	if i := strings.IndexByte(c.ID, '.'); i > 0 {
		return c.ID[:i]
	}
	return c.ID
}

func seconds(c Clause) float64 {
	var total float64
	for _, s := range c.Specs {
		total += s.Duration.Seconds()
	}
	return total
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}

func failureText(c Clause) string {
	var b strings.Builder
	b.WriteString(c.Reason)
	for _, s := range c.Specs {
		if s.Failure == "" {
			continue
		}
		fmt.Fprintf(&b, "\n\n--- %s (%s)\n%s\n", s.Name, s.Location, s.Failure)
		for _, l := range s.Transcript {
			b.WriteString(FormatLine(l))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// FormatLine prints one transcript line for text renderings.
func FormatLine(l Line) string {
	s := fmt.Sprintf("%8.3fs %-4s", l.At.Seconds(), l.Dir)
	if l.Actor != "" {
		s += " " + l.Actor
	}
	if l.Event != "" {
		s += " " + l.Event
	}
	if len(l.Data) > 0 {
		d := string(l.Data)
		if len(d) > 2000 {
			d = d[:2000] + "...(truncated)"
		}
		s += " " + d
	}
	if l.Remark != "" {
		s += "  # " + l.Remark
	}
	return s
}

func stampProperties(st Stamp) [][2]string {
	out := [][2]string{
		{"runId", st.RunID}, {"target", st.Target}, {"contract", st.Contract},
		{"contractHash", st.ContractHash}, {"suiteVersion", st.SuiteVersion},
		{"started", st.Started.UTC().Format("2006-01-02T15:04:05Z")},
	}
	for _, k := range sortedKeys(st.Settings) {
		out = append(out, [2]string{"setting." + k, st.Settings[k]})
	}
	return out
}
