// Package storetest is the one contract test of the store interfaces: every
// backend (the memory stores, the Redis stores, the cluster's failover stores)
// runs the same Run so they cannot drift apart.
//
//	func TestMemory(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Stores { return store.NewMemory() })
//	}
//
// The factory is called once per sub-test and must return empty stores (a
// fresh Redis key prefix, for instance) and release them in t.Cleanup.
package storetest
