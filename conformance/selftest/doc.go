// Package selftest proves that the conformance suite can fail. Its test builds the
// suite once with -tags negativecontrols and runs it against deliberately broken
// variants of the reference server (reference/mutation.go), one mutation at a time and
// only the specs aimed at it, and fails unless every variant is rejected by those
// specs; the same specs must pass against the unbroken reference. A second control
// runs the whole suite with the reference and the suite both started on a variant
// contract whose events carry other names (spec/testdata/variant-hyphenated.asyncapi.yaml)
// and fails unless it passes: the contract, not typed-in names, drives both.
//
// It runs in the ordinary `go test ./...` (CI's make test); -short skips it:
//
//	go test ./conformance/selftest -v
//	go test ./conformance/selftest -run 'TestNegativeControls/no-dedup'
package selftest
