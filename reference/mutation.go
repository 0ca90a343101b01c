package reference

// Mutation is a deliberate defect the conformance suite switches on to prove that
// its specs catch it (a negative control). The shipped binary never enables one:
// New refuses them unless the code is built with -tags negativecontrols.
type Mutation string

// The negative controls.
const (
	// MutationNoDedup stores every retry as a new message.
	MutationNoDedup Mutation = "no-dedup"
	// MutationDedupPerSocket scopes dedup to the socket, so a retry after a
	// reconnect is stored again.
	MutationDedupPerSocket Mutation = "dedup-per-socket"
	// MutationNoRateLimit skips the rate-limit check.
	MutationNoRateLimit Mutation = "no-rate-limit"
	// MutationWrongErrorCode answers VALIDATION_ERROR as INVALID_EVENT.
	MutationWrongErrorCode Mutation = "wrong-error-code"
	// MutationTenantLeak drops the tenant from room keys, so broadcasts reach
	// another tenant's rooms of the same name.
	MutationTenantLeak Mutation = "tenant-leak"
	// MutationLoseAfterRedisRecovery answers and delivers live the messages
	// accepted while Redis is down but never stores them, so they are not written
	// back and no sync:state recovers them.
	MutationLoseAfterRedisRecovery Mutation = "lose-after-redis-recovery"
	// MutationUncorrelatedReplies answers with a wrong correlation id.
	MutationUncorrelatedReplies Mutation = "uncorrelated-replies"
	// MutationNoSeqOrder delivers message:new in a shuffled order.
	MutationNoSeqOrder Mutation = "no-seq-order"
	// MutationAcceptExpired lets a token past its exp through the handshake (the
	// session then expires at once: token:expired and a disconnect).
	MutationAcceptExpired Mutation = "accept-expired"
	// MutationSyncDropsLast leaves the last message out of every sync:state page
	// (an off-by-one in the catch-up: a silent gap).
	MutationSyncDropsLast Mutation = "sync-drops-last"
)

// Mutations lists every negative control.
func Mutations() []Mutation {
	return []Mutation{MutationNoDedup, MutationDedupPerSocket, MutationNoRateLimit,
		MutationWrongErrorCode, MutationTenantLeak, MutationLoseAfterRedisRecovery,
		MutationUncorrelatedReplies, MutationNoSeqOrder, MutationAcceptExpired, MutationSyncDropsLast}
}

func (m Mutation) known() bool {
	for _, k := range Mutations() {
		if k == m {
			return true
		}
	}
	return false
}

// mutationsEnabled is flipped by mutation_enabled.go in -tags negativecontrols builds.
var mutationsEnabled = false

// mutationSet is the set of mutations in force.
type mutationSet map[Mutation]bool

func newMutationSet(ms []Mutation) mutationSet {
	s := mutationSet{}
	for _, m := range ms {
		s[m] = true
	}
	return s
}

func (s mutationSet) on(m Mutation) bool { return s[m] }
