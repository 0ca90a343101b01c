package spec

import (
	_ "embed"
	"sync"
)

// DocumentFile is the file name of the embedded contract.
const DocumentFile = "utalk-rt.asyncapi.yaml"

// ControlFile is the file name of the embedded control-surface OpenAPI document.
const ControlFile = "utalk-control.openapi.yaml"

//go:embed utalk-rt.asyncapi.yaml
var embeddedDocument []byte

//go:embed utalk-control.openapi.yaml
var embeddedControl []byte

var (
	defaultOnce     sync.Once
	defaultContract *Contract
	defaultErr      error
)

// Default returns the embedded contract, parsed once. It panics if the embedded
// document is invalid, which the package's own tests rule out.
func Default() *Contract {
	defaultOnce.Do(func() {
		defaultContract, defaultErr = Parse("embedded:"+DocumentFile, embeddedDocument)
	})
	if defaultErr != nil {
		panic("spec: embedded contract is invalid: " + defaultErr.Error())
	}
	return defaultContract
}

// ControlDocument returns the embedded OpenAPI 3.1 document of the control surface.
func ControlDocument() []byte { return embeddedControl }
