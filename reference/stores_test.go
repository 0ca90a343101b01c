package reference

import (
	"os"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/utalk/rtconform/internal/redistest"
	"github.com/utalk/rtconform/reference/store"
	"github.com/utalk/rtconform/reference/store/redisstore"
	"github.com/utalk/rtconform/spec"
)

// testStores is the store factory of the suite: memory by default, Redis (a real
// one from internal/redistest, a unique key prefix per test) with
// REFERENCE_STORE=redis, so that one suite covers both backends.
func testStores(t testing.TB) store.Stores {
	if os.Getenv("REFERENCE_STORE") != "redis" {
		return store.NewMemory()
	}
	r := redistest.New(t)
	rdb := redis.NewClient(&redis.Options{Addr: r.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	st, err := redisstore.New(redisstore.Options{Client: rdb, Prefix: redistest.Prefix(t.Name()),
		PresenceTTL: spec.Default().Limits.PresenceTTL()})
	if err != nil {
		t.Fatal(err)
	}
	return st
}
