package redistest_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/utalk/rtconform/internal/redistest"
)

func TestPrefixIsUniqueAndSafe(t *testing.T) {
	seen := map[string]bool{}
	valid := regexp.MustCompile(`^rt:[A-Za-z0-9_-]{0,48}:[0-9]+:[0-9a-f]{8}:$`)
	for _, name := range []string{"TestA", "TestA", "Test A/b*[c]", "", strings.Repeat("x", 200)} {
		got := redistest.Prefix(name)
		if !valid.MatchString(got) {
			t.Errorf("Prefix(%q) = %q, want it to match %s", name, got, valid)
		}
		if seen[got] {
			t.Errorf("Prefix(%q) = %q twice", name, got)
		}
		seen[got] = true
	}
}

func TestFlushPrefixTakesGlobCharactersLiterally(t *testing.T) {
	forEachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := t.Context()
		rdb := newClient(t, r.Addr(), 3)
		for _, k := range []string{"g*[1]:a", "g*[1]:b", "gX1:a", "g*[2]:a"} {
			if err := rdb.Set(ctx, k, 1, 0).Err(); err != nil {
				t.Fatal(err)
			}
		}
		got, err := r.FlushPrefix(ctx, "g*[1]:")
		if err != nil {
			t.Fatal(err)
		}
		if got != 2 {
			t.Fatalf("FlushPrefix(%q) deleted %d keys, want 2", "g*[1]:", got)
		}
		if n, _ := rdb.Exists(ctx, "gX1:a", "g*[2]:a").Result(); n != 2 {
			t.Fatalf("other keys left = %d, want 2", n)
		}
	})
}

func TestConfigFromEnvRejectsUnknownBackend(t *testing.T) {
	t.Setenv(redistest.EnvBackend, "vm")
	if _, err := redistest.ConfigFromEnv(); err == nil {
		t.Fatal("ConfigFromEnv accepted REDISTEST_BACKEND=vm")
	}
}

func TestMissingServerIsUnavailable(t *testing.T) {
	_, err := redistest.StartWith(t.Context(), redistest.Config{
		Backend: redistest.BackendProcess,
		Server:  "/nonexistent/redis-server",
	})
	if !errors.Is(err, redistest.ErrUnavailable) {
		t.Fatalf("StartWith with no binary: %v, want ErrUnavailable", err)
	}
}
