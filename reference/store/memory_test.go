package store_test

import (
	"testing"

	"github.com/utalk/rtconform/reference/store"
	"github.com/utalk/rtconform/reference/store/storetest"
)

func TestMemory(t *testing.T) {
	storetest.Run(t, func(*testing.T) store.Stores { return store.NewMemory() })
}
