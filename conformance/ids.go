package conformance

import (
	"fmt"
	"sync/atomic"
)

// runNonce keeps ids of one run apart from earlier runs against a long-lived target.
var runNonce = randomHex(3)

var idCounter atomic.Uint64

// process is the Ginkgo parallel process number (1 when serial); set by the suite.
var process = 1

// nextN returns a number unique within this test process.
func nextN() uint64 { return idCounter.Add(1) }

// UniqueID returns an id unique across the run and its parallel processes, made of
// [A-Za-z0-9_-] so it fits every id pattern of the contract.
func UniqueID(kind string) string {
	return fmt.Sprintf("%s_%s_p%d_%d", kind, runNonce, process, nextN())
}

// phoneBase spreads the E.164 numbers of one run; each process gets its own block.
var phoneBase = int(randomByte()) * 1000

func randomByte() byte { return randomHexByte() }

// UniquePhone returns a strict E.164 number +1<area><7 digits> unique in this run.
func UniquePhone(area string) string {
	n := (phoneBase + process*100000 + int(nextN())) % 10000000
	return fmt.Sprintf("+1%s%07d", area, n)
}

// ConversationID returns a WhatsApp-style id conv_+1555xxxxxxx_+1415xxxxxxx.
func ConversationID() string {
	return "conv_" + UniquePhone("555") + "_" + UniquePhone("415")
}

// SetProcess records the Ginkgo parallel process number, so ids of parallel processes
// never collide.
func SetProcess(n int) { process = n }
