package redisstore_test

import (
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/utalk/rtconform/internal/redistest"
	"github.com/utalk/rtconform/reference/store"
	"github.com/utalk/rtconform/reference/store/redisstore"
	"github.com/utalk/rtconform/reference/store/storetest"
)

func TestRedis(t *testing.T) {
	r := redistest.New(t)
	rdb := redis.NewClient(&redis.Options{Addr: r.Addr(), ReadTimeout: 5 * time.Second})
	t.Cleanup(func() { _ = rdb.Close() })
	storetest.Run(t, func(t *testing.T) store.Stores {
		s, err := redisstore.New(redisstore.Options{
			Client: rdb, Prefix: redistest.Prefix(t.Name()), PresenceTTL: 30 * time.Second,
		})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestNewRejectsBadOptions(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer rdb.Close()
	cases := []struct {
		name string
		o    redisstore.Options
	}{
		{"no client", redisstore.Options{Prefix: "p:", PresenceTTL: time.Second}},
		{"no prefix", redisstore.Options{Client: rdb, PresenceTTL: time.Second}},
		{"no presence ttl", redisstore.Options{Client: rdb, Prefix: "p:"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := redisstore.New(c.o); err == nil {
				t.Fatal("New accepted bad options")
			}
		})
	}
}
