package spec_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/utalk/rtconform/spec"
)

// The usage shown in README.md.
func ExampleContract_Validate() {
	c := spec.Default()
	send := c.ByRole(spec.SendMessage)
	fmt.Println(send.Name, send.Reply.Name, send.ErrorEvent.Name, send.Correlation, send.RateLimit)

	err := c.Validate(send.Name, json.RawMessage(`{"messageId":"m1","text":"hola"}`))
	var ve *spec.ValidationError
	if errors.As(err, &ve) {
		f := ve.First()
		fmt.Println(f.Field, f.Rule)
	}
	// Output:
	// message:send message:sent message:error messageId {60 1m0s}
	// /conversationId required
}

func ExampleControlSurface_Operation() {
	op, _ := spec.DefaultControl().Operation(spec.OpExpelUser)
	fmt.Println(op.Method, op.URL("http://127.0.0.1:3001", nil))
	// Output: POST http://127.0.0.1:3001/control/expel
}
