package spec

// Threshold is one alert threshold of the document, as a load-run default. Expr uses
// the load generator's grammar (for example "p(95)<200ms"); the spec package keeps it as
// text and the load generator parses it.
type Threshold struct {
	Metric        string `yaml:"metric" json:"metric"`
	Expr          string `yaml:"expr" json:"expr"`
	Source        string `yaml:"source" json:"source"`
	Informational bool   `yaml:"informational,omitempty" json:"informational,omitempty"`
	Description   string `yaml:"description" json:"description"`
}
