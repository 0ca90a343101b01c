package reference

import (
	"net/http"
	"testing"
)

func TestPprofOnlyWhenEnabled(t *testing.T) {
	for _, tc := range []struct {
		name string
		on   bool
		want int
	}{
		{"off", false, http.StatusNotFound},
		{"on", true, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := start(t, func(c *Config) { c.Pprof = tc.on })
			for _, path := range []string{"/debug/pprof/", "/debug/pprof/heap?debug=1", "/debug/pprof/goroutine?debug=1"} {
				res, err := http.Get(h.url + path)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if got := res.StatusCode; got != tc.want {
					t.Errorf("GET %s = %d, want %d", path, got, tc.want)
				}
			}
		})
	}
}
