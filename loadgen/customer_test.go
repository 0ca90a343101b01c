package loadgen

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/utalk/rtconform/internal/token"
	"github.com/utalk/rtconform/loadgen/scenario"
	"github.com/utalk/rtconform/reference"
	"github.com/utalk/rtconform/spec"
)

const customerScenario = `name: customers
tenant: {id: t_cust, workspace: w1, business: "+15550000000"}
users: {conversations: 2, agents_per_conversation: 2, customers_per_conversation: 1}
connect: {within: 200ms}
model: {kind: open}
phases:
  - {name: steady, duration: 2s, rate: 6}
mix: {send-message: 1, customer-message: 1}
`

// TestCustomerMessagesReachAgents runs customers against the reference server: the
// channel is registered, inbound messages enter through the Twilio-shaped webhook
// and reach every agent of the conversation, matched by their MessageSid.
func TestCustomerMessagesReachAgents(t *testing.T) {
	const secret = "customer-test-secret"
	srv, err := reference.New(reference.Config{Addr: "127.0.0.1:0", JWTSecret: secret})
	if err != nil {
		t.Fatal(err)
	}
	addr, err := srv.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	sc, err := scenario.Parse("customers.yaml", []byte(customerScenario))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), Config{Scenario: sc, Contract: spec.Default(), Target: "http://" + addr,
		Tokens: token.NewSecret([]byte(secret)), OutDir: filepath.Join(t.TempDir(), "run"), RunID: "cust"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := res.Final.Total.Decode()
	if err != nil {
		t.Fatal(err)
	}
	c := s.Counts
	inbound := c.RequestsByRole[scenario.ActionCustomerMessage]
	if inbound == 0 || c.ErrorsByCode["CONTROL_FAILED"] != 0 {
		t.Fatalf("customer messages %d, control failures %d (notes %v): want inbound messages accepted", inbound, c.ErrorsByCode["CONTROL_FAILED"], res.Final.Notes)
	}
	// Each agent message reaches the other agent, each customer message both agents
	// (when every user stayed connected and joined).
	allLive := c.Lost == 0 && c.ConnectFailed == 0 && c.Disconnects == 0
	if want := c.MessagesSent + 2*inbound; allLive && c.FanoutExpected != want {
		t.Errorf("fan-out expected %d, want %d (%d sends, %d inbound)", c.FanoutExpected, want, c.MessagesSent, inbound)
	}
	if c.FanoutDelivered == 0 || c.FanoutDelivered+c.FanoutLost+c.FanoutRecovered != c.FanoutExpected || c.Unmatched != 0 {
		t.Errorf("fan-out %d delivered + %d lost of %d expected, %d unmatched", c.FanoutDelivered, c.FanoutLost, c.FanoutExpected, c.Unmatched)
	}
}
