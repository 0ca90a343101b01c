package redistest

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
	"sync/atomic"
)

var prefixSeq atomic.Uint64

// Prefix returns a key prefix unique to this call, such as
// "rt:TestFanout_two_servers:3:9f86d081:", built from name (t.Name(), or a
// Ginkgo spec's text), a counter and random bytes, so tests can share one
// server and FlushPrefix can clear one test's keys. Characters other than
// letters, digits, '-' and '_' in name become '_'; long names are cut.
func Prefix(name string) string {
	var b strings.Builder
	b.WriteString("rt:")
	n := 0
	for _, c := range name {
		if n == 48 {
			break
		}
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
		n++
	}
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	b.WriteByte(':')
	b.WriteString(strconv.FormatUint(prefixSeq.Add(1), 10))
	b.WriteByte(':')
	b.WriteString(hex.EncodeToString(rnd[:]))
	b.WriteByte(':')
	return b.String()
}
