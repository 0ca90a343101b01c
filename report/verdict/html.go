package verdict

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"sort"
)

//go:embed report.html.tmpl
var htmlTemplate string

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"line":  FormatLine,
	"props": stampProperties,
	"secs":  func(c Clause) string { return fmt.Sprintf("%.2fs", seconds(c)) },
}).Parse(htmlTemplate))

// WriteHTML writes r as one self-contained HTML page: the stamp, the counts, and a table
// of clauses coloured by verdict whose rows expand to the specs, their failures and
// transcripts.
func WriteHTML(w io.Writer, r *Results) error {
	if err := page.Execute(w, r); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
