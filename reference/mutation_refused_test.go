//go:build !negativecontrols

package reference

import (
	"errors"
	"testing"
)

func TestMutationsRefusedInNormalBuilds(t *testing.T) {
	for _, m := range Mutations() {
		if _, err := New(Config{JWTSecret: "s", Mutations: []Mutation{m}}); !errors.Is(err, ErrMutationsRefused) {
			t.Fatalf("%s: %v, want ErrMutationsRefused", m, err)
		}
	}
}
