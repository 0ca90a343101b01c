package scenario

import (
	"github.com/utalk/rtconform/spec"
	"path/filepath"
	"testing"
)

func TestShippedScenarios(t *testing.T) {
	files, _ := filepath.Glob("../../scenarios/*.yaml")
	if len(files) < 6 {
		t.Fatalf("found %d scenarios", len(files))
	}
	c := spec.Default()
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			s, err := Load(f)
			if err != nil {
				t.Fatal(err)
			}
			s.Defaults(c)
			if _, err := s.Check(c); err != nil {
				t.Fatal(err)
			}
		})
	}
}
