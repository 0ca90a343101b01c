package verdict

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// File names written by WriteAll.
const (
	JSONFile  = "report.json"
	JUnitFile = "junit.xml"
	HTMLFile  = "report.html"
)

// WriteAll writes report.json, junit.xml and report.html into dir, creating it.
func WriteAll(dir string, r *Results) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report dir: %w", err)
	}
	var errs []error
	errs = append(errs, r.WriteFile(filepath.Join(dir, JSONFile)))
	var junit, page bytes.Buffer
	if err := WriteJUnit(&junit, r); err != nil {
		errs = append(errs, err)
	} else {
		errs = append(errs, os.WriteFile(filepath.Join(dir, JUnitFile), junit.Bytes(), 0o644))
	}
	if err := WriteHTML(&page, r); err != nil {
		errs = append(errs, err)
	} else {
		errs = append(errs, os.WriteFile(filepath.Join(dir, HTMLFile), page.Bytes(), 0o644))
	}
	return errors.Join(errs...)
}

// Render rebuilds junit.xml and report.html in dir from the report.json found there.
func Render(dir string) (*Results, error) {
	r, err := ReadFile(filepath.Join(dir, JSONFile))
	if err != nil {
		return nil, err
	}
	return r, WriteAll(dir, r)
}
