// Package cluster is the reference server's cross-instance layer on Redis:
// the Socket.IO Redis adapter for broadcasts, the shared stores with an
// in-memory fallback (spec/DECISIONS.md D11, standalone mode), and the
// health of the link.
//
// Every Redis call is bounded by Options.OpTimeout. A failed call, or a
// failed PING of the health loop, opens the circuit: the stores serve from
// the fallback without calling Redis, broadcasts to other instances are
// dropped, and Health says "degraded". When PING answers again the writes
// accepted meanwhile are written back in order, the instance's sockets are
// registered again, and Health says "ok".
//
//	cl, err := cluster.Connect(ctx, cluster.Options{Addr: "127.0.0.1:6379", Instance: "web-1"})
//	if err != nil { ... } // cluster.ErrUnreachable: Redis did not answer
//	defer cl.Close()
//	opts := socket.DefaultServerOptions()
//	opts.SetAdapter(cl.AdapterConstructor())
//	stores := cl.Stores(store.NewMemory())
//	cl.OnHealthChange(func(connected bool, status string) { ... })
package cluster
