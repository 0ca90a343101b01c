package spec_test

import (
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/utalk/rtconform/spec"
)

// TestDocumentNumbers checks the numbers the source document states, typed in here,
// and the decisions that changed them.
func TestDocumentNumbers(t *testing.T) {
	c := spec.Default()
	rate := func(r spec.Role) spec.RateLimit { return c.ByRole(r).RateLimit }
	tests := []struct {
		name      string
		got, want any
	}{
		{"message:send limit", rate(spec.SendMessage), spec.RateLimit{Limit: 60, Window: time.Minute}},
		{"typing:start limit", rate(spec.TypingStart), spec.RateLimit{Limit: 120, Window: time.Minute}},
		{"sync:state limit", rate(spec.SyncState), spec.RateLimit{Limit: 10, Window: time.Minute}},
		{"default limit", rate(spec.JoinConversation), spec.RateLimit{Limit: 100, Window: time.Minute}},
		{"rateLimit.defaultLimit", c.RateLimit.DefaultLimit, 100},
		{"rateLimit.windowMs", c.RateLimit.WindowMs, 60000},
		{"pingInterval", c.Transport.PingInterval(), 25 * time.Second},
		{"pingTimeout", c.Transport.PingTimeout(), 60 * time.Second},
		{"upgradeTimeout", c.Transport.UpgradeTimeout(), 10 * time.Second},
		{"connectTimeout", c.Transport.ConnectTimeout(), 20 * time.Second},
		{"transports", c.Transport.Transports, []string{"websocket", "polling"}},
		{"token TTL", c.Handshake.TokenTTL(), 15 * time.Minute},
		{"auth timeout", c.Handshake.AuthTimeoutMs, 5000},
		{"maxPayloadBytes (D5)", c.Limits.MaxPayloadBytes, 1 << 20},
		{"maxHttpBufferSize (D5)", c.Transport.MaxHTTPBufferSize, int64(2 << 20)},
		{"maxUsersPerRoom (D4)", c.Limits.MaxUsersPerRoom, 100},
		{"maxMessagesPerRoom (D4)", c.Limits.MaxMessagesPerRoom, 1000},
		{"maxConnectionsPerUser (D4)", c.Limits.MaxConnectionsPerUser, 10},
		{"exit codes (D17)", c.ExitCodes, spec.ExitCodes{Pass: 0, ConformanceFailed: 1, Usage: 2, Unreachable: 3, ThresholdsBreached: 99}},
		{"token command", c.Token.Variables, []string{"UTALK_SUB", "UTALK_ROLE", "UTALK_TENANT", "UTALK_WORKSPACE", "UTALK_TTL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !equal(tt.got, tt.want) {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

func equal(a, b any) bool {
	if as, ok := a.([]string); ok {
		bs, ok := b.([]string)
		return ok && slices.Equal(as, bs)
	}
	return a == b
}

func TestThresholds(t *testing.T) {
	want := map[string]struct {
		expr          string
		informational bool
	}{
		"reply_latency":  {"p(95)<200ms", false},
		"fanout_latency": {"p(95)<200ms", false},
		"error_rate":     {"rate<0.05", false},
		"connections":    {"max<1000", true},
	}
	got := spec.Default().Thresholds
	if len(got) != len(want) {
		t.Errorf("%d thresholds, want %d", len(got), len(want))
	}
	for _, th := range got {
		w, ok := want[th.Metric]
		if !ok {
			t.Errorf("unexpected threshold %s", th.Metric)
			continue
		}
		if th.Expr != w.expr || th.Informational != w.informational {
			t.Errorf("%s: %q informational=%v, want %q informational=%v", th.Metric, th.Expr, th.Informational, w.expr, w.informational)
		}
	}
}

// TestLimitsMatchSchemas ties the numeric limits to the schemas that enforce them.
func TestLimitsMatchSchemas(t *testing.T) {
	d := mustDoc(t)
	c := spec.Default()
	prop := func(schema, field string) schemaNode {
		s, _ := d.resolve(d.Components.Schemas[schema])
		p, _ := d.resolve(props(s)[field].(map[string]any))
		return p
	}
	num := func(s schemaNode, key string) int {
		n, _ := intOf(s, key)
		return int(n)
	}
	tests := []struct {
		name      string
		got, want int
	}{
		{"MessageSend.text maxLength = maxTextLength", num(prop("MessageSend", "text"), "maxLength"), c.Limits.MaxTextLength},
		{"MessageNew.text maxLength = maxTextLength", num(prop("MessageNew", "text"), "maxLength"), c.Limits.MaxTextLength},
		{"SyncState.limit maximum = syncPageMax", num(prop("SyncState", "limit"), "maximum"), c.Limits.SyncPageMax},
		{"StateSynced.messages maxItems = syncPageMax", num(prop("StateSynced", "messages"), "maxItems"), c.Limits.SyncPageMax},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, tt.got, tt.want)
		}
	}
	if c.Limits.SyncPageDefault > c.Limits.SyncPageMax {
		t.Errorf("syncPageDefault %d > syncPageMax %d", c.Limits.SyncPageDefault, c.Limits.SyncPageMax)
	}
	if int64(c.Limits.MaxPayloadBytes) >= c.Transport.MaxHTTPBufferSize {
		t.Errorf("maxPayloadBytes %d must stay below maxHttpBufferSize %d (D5)", c.Limits.MaxPayloadBytes, c.Transport.MaxHTTPBufferSize)
	}
}

func TestClauses(t *testing.T) {
	c := spec.Default()
	id := regexp.MustCompile(`^[a-z]+(\.[a-z0-9-]+)+$`)
	requires := []string{spec.RequiresControl, spec.RequiresMultiInstance, spec.RequiresRedisFault, spec.RequiresFaultProxy}
	seen := map[string]bool{}
	for _, cl := range c.Clauses() {
		if seen[cl.ID] {
			t.Errorf("clause id %s is used twice", cl.ID)
		}
		seen[cl.ID] = true
		if !id.MatchString(cl.ID) {
			t.Errorf("clause id %q is not of the form area.name", cl.ID)
		}
		if cl.Title == "" || len(cl.Labels) == 0 {
			t.Errorf("clause %s needs a title and labels", cl.ID)
		}
		for _, r := range cl.Requires {
			if !slices.Contains(requires, r) {
				t.Errorf("clause %s requires %q, not one of %v", cl.ID, r, requires)
			}
		}
		if got, ok := c.Clause(cl.ID); !ok || got.ID != cl.ID {
			t.Errorf("Clause(%q) = %v, %v", cl.ID, got, ok)
		}
	}
	for _, e := range c.Events {
		ids := []string{spec.PayloadClause(e.Role)}
		if e.IsClient() {
			ids = []string{spec.ReplyClause(e.Role), spec.ErrorsClause(e.Role)}
		}
		for _, cid := range ids {
			if cl, ok := c.Clause(cid); !ok || !cl.Generated || cl.Event != e.Role {
				t.Errorf("generated clause %s of %s is missing", cid, e.Name)
			}
		}
	}
}
