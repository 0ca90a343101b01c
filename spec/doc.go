// Package spec loads the UTalk realtime contract (an AsyncAPI 3 document with the
// x-socketio binding, see README.md) and validates payloads against it.
//
// Everything else in the module is driven by this package: the reference server, the
// conformance suite and the load generator look events up by their semantic Role, never
// by a typed-in event name, so a variant contract with other names works unchanged.
//
//	c := spec.Default() // the embedded contract
//	send := c.ByRole(spec.SendMessage)
//	err := c.Validate(send.Name, map[string]any{"messageId": "m1"})
//	// err: message:send: /conversationId: required: missing property 'conversationId'
//
// Package spec imports nothing else of this module.
package spec
