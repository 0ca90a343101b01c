// Package redisstore implements the store interfaces on Redis
// (github.com/redis/go-redis/v9), shared by every instance of the reference
// server. Each operation that reads and writes several keys runs as one Lua
// script, so it is atomic across instances: Append checks the idempotency
// key, takes the next seq, stores the message, updates the conversation and
// trims the retention in one step.
//
// Every key starts with Options.Prefix, so several deployments (or tests) can
// share one Redis. The layout is for a single Redis server, not Redis Cluster:
// the scripts derive some keys (a trimmed message, a dead instance's sockets)
// from values they read.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
//	stores, err := redisstore.New(redisstore.Options{
//		Client:      rdb,
//		Prefix:      "utalk:",
//		PresenceTTL: c.Limits.PresenceTTL(), // c := spec.Default()
//	})
//	if err != nil { ... }
//	defer stores.Close() // does not close rdb
package redisstore
