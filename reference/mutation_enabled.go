//go:build negativecontrols

package reference

// Test binaries built with -tags negativecontrols may set Config.Mutations.
func init() { mutationsEnabled = true }
