//go:build negativecontrols

package conformance_test

import (
	"os"
	"strings"

	"github.com/utalk/rtconform/conformance"
)

// A suite binary built with -tags negativecontrols (and only such a binary: the
// reference refuses mutations otherwise) starts its built-in target with the
// mutations named in CONFORMANCE_MUTATIONS. conformance/selftest runs it once per
// mutation.
func init() {
	for _, m := range strings.Split(os.Getenv(conformance.EnvMutations), ",") {
		if m = strings.TrimSpace(m); m != "" {
			conformance.Mutations = append(conformance.Mutations, m)
		}
	}
}
