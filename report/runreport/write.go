package runreport

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"html/template"
	"os"
	"path/filepath"

	"github.com/utalk/rtconform/report/verdict"
)

// Write writes summary.json, junit.xml and index.html into dir.
func Write(dir string, s *Summary) error {
	j, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode summary: %w", err)
	}
	junit, err := s.junit()
	if err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, IndexHTML))
	if err != nil {
		return err
	}
	errs := []error{index.Execute(f, s), f.Close(),
		os.WriteFile(filepath.Join(dir, SummaryJSON), append(j, '\n'), 0o644),
		os.WriteFile(filepath.Join(dir, JUnitXML), junit, 0o644)}
	return errors.Join(errs...)
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Body    string `xml:",chardata"`
}

// junit has one test case per conformance clause and one per load threshold, so a CI
// system shows both in one test report.
func (s *Summary) junit() ([]byte, error) {
	out := junitSuites{Name: "rtconform run"}
	if c := s.Conformance; c != nil {
		suite := junitSuite{Name: "conformance"}
		for _, cl := range c.Clauses {
			tc := junitCase{Name: cl.ID + ": " + cl.Title, ClassName: "conformance"}
			switch cl.Verdict {
			case verdict.Fail:
				tc.Failure = &junitMessage{Message: cl.Reason, Body: cl.Reason}
				suite.Failures++
			case verdict.Missing, verdict.Waived:
				tc.Skipped = &junitMessage{Message: string(cl.Verdict) + ": " + cl.Reason}
				suite.Skipped++
			}
			suite.Cases = append(suite.Cases, tc)
		}
		suite.Tests = len(suite.Cases)
		out.Suites = append(out.Suites, suite)
	}
	if l := s.Load; l != nil {
		suite := junitSuite{Name: "load " + l.Scenario}
		for _, t := range l.Thresholds {
			tc := junitCase{Name: t.Metric + " " + t.Expr, ClassName: "load"}
			if !t.Pass && !t.Informational {
				tc.Failure = &junitMessage{Message: t.Message, Body: t.Message}
				suite.Failures++
			}
			suite.Cases = append(suite.Cases, tc)
		}
		suite.Tests = len(suite.Cases)
		out.Suites = append(out.Suites, suite)
	}
	for _, p := range s.Problems {
		out.Suites = append(out.Suites, junitSuite{Name: "run", Tests: 1, Failures: 1,
			Cases: []junitCase{{Name: p, ClassName: "run", Failure: &junitMessage{Message: p}}}})
	}
	for _, su := range out.Suites {
		out.Tests, out.Failures, out.Skipped = out.Tests+su.Tests, out.Failures+su.Failures, out.Skipped+su.Skipped
	}
	b, err := xml.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(b, '\n')...), nil
}

var index = template.Must(template.New("index").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>rtconform: {{.Verdict}}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}
.banner{padding:1em 1.2em;border-radius:8px;font-size:1.3em;font-weight:600}
.pass{background:#e3f6e8;color:#135c2a}.fail{background:#fde7e7;color:#8a1010}.warn{background:#fff4d6;color:#6b4e00}
table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}td,th{border-bottom:1px solid #ddd;padding:.35em .5em;text-align:left;vertical-align:top}
code{background:#f4f4f4;padding:0 .25em;border-radius:3px}a{color:#0645ad}
</style></head><body>
<h1>rtconform run</h1>
<div class="banner {{if eq .Verdict "pass"}}pass{{else if eq .Verdict "thresholds-breached"}}warn{{else}}fail{{end}}">
Verdict: {{.Verdict}} (exit {{.ExitCode}})</div>
<p>Target <code>{{.Target}}</code> · contract <code>{{.Contract}}</code> · {{.Created.Format "2006-01-02 15:04:05 UTC"}}</p>
<ul>{{range .Lines}}<li>{{.}}</li>{{end}}</ul>
<h2>Reports</h2>
<ul>
<li><a href="conformance/report.html">Conformance: every clause with its verdict, what was sent and what came back</a> (<a href="conformance/report.json">json</a>, <a href="conformance/junit.xml">junit</a>)</li>
{{if .Load}}<li><a href="load/report.html">Load: latency and throughput over time, percentiles, errors</a> (<a href="load/summary.json">json</a>, <a href="load/summary.md">markdown</a>)</li>{{else}}<li>Load: not run{{with .LoadSkipped}} ({{.}}){{end}}</li>{{end}}
<li><a href="junit.xml">junit.xml</a> and <a href="summary.json">summary.json</a> of this run</li>
</ul>
{{with .Breaches}}<h2>Thresholds breached</h2><ul>{{range .}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{with .Conformance}}{{if .Summary.Fail}}<h2>Failed clauses</h2><table><tr><th>clause</th><th>why</th></tr>
{{range .Clauses}}{{if eq .Verdict "fail"}}<tr><td><code>{{.ID}}</code><br>{{.Title}}</td><td>{{.Reason}}</td></tr>{{end}}{{end}}</table>{{end}}{{end}}
{{if ne .Verdict "unreachable"}}{{with .MissingByReason}}<h2>Missing clauses, by reason</h2><table><tr><th>count</th><th>reason</th><th>clauses</th></tr>
{{range .}}<tr><td>{{len .Clauses}}</td><td>{{.Reason}}</td><td>{{range .Clauses}}<code>{{.}}</code> {{end}}</td></tr>{{end}}</table>{{end}}{{end}}
{{with .Problems}}<h2>Problems</h2><ul>{{range .}}<li>{{.}}</li>{{end}}</ul>{{end}}
</body></html>
`))
