package spec_test

import (
	"encoding/json"
	"testing"

	"github.com/utalk/rtconform/spec"
)

// BenchmarkValidateMessageSend measures one message:send validation from JSON, the
// path a server takes for each event: a valid payload, and an invalid one (whose
// error is built field by field).
func BenchmarkValidateMessageSend(b *testing.B) {
	c := spec.Default()
	name := c.ByRole(spec.SendMessage).Name
	payloads := map[string]json.RawMessage{
		"valid": json.RawMessage(`{"messageId":"3b241101-e2bb-4255-8caf-4136c566a962",` +
			`"conversationId":"conv_+15551234567_+14155550100","type":"text","text":"Hola, ¿cómo estás?",` +
			`"mediaId":null,"metadata":{"clientTs":"2025-08-20T10:00:00Z","botResponse":false}}`),
		"invalid": json.RawMessage(`{"messageId":"not valid!","type":"video","text":12,"extra":true}`),
	}
	for _, name2 := range []string{"valid", "invalid"} {
		p := payloads[name2]
		b.Run(name2, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				err := c.Validate(name, p)
				if (err == nil) != (name2 == "valid") {
					b.Fatalf("Validate = %v", err)
				}
			}
		})
	}
}
