package loadreport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/utalk/rtconform/loadgen/results"
)

// Output file names.
const (
	SummaryJSON = "summary.json"
	SummaryMD   = "summary.md"
	ReportHTML  = "report.html"
)

// Write renders summary.json, summary.md and report.html into dir.
func Write(dir string, run *results.Run, s *Summary) error {
	j, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	var md, h bytes.Buffer
	if err := Markdown(&md, s); err != nil {
		return err
	}
	if err := HTML(&h, run, s); err != nil {
		return err
	}
	for name, b := range map[string][]byte{SummaryJSON: append(j, '\n'), SummaryMD: md.Bytes(), ReportHTML: h.Bytes()} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	return nil
}
