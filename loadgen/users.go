package loadgen

import (
	"fmt"

	"github.com/utalk/rtconform/internal/token"
	"github.com/utalk/rtconform/loadgen/results"
	"github.com/utalk/rtconform/loadgen/scenario"
)

// conversation is one conversation of this shard and its members.
type conversation struct {
	index    int
	id       string
	customer string // E.164, when the conversation has a WhatsApp customer
	members  []*vu
}

// population builds this shard's conversations and users. Conversations are split
// across shards (conversation k goes to shard k mod n), so every member of a room is
// in one process and fan-out is timed on one clock.
func population(sc *scenario.Scenario, runTag string, shard results.Shard) ([]*conversation, []*vu) {
	var convs []*conversation
	var users []*vu
	u := sc.Users
	for k := 0; k < u.Conversations; k++ {
		if k%shard.Count != shard.Index {
			continue
		}
		cv := &conversation{index: k, id: fmt.Sprintf("conv_%s_%d", runTag, k)}
		if u.CustomersPerConversation > 0 {
			cv.customer = fmt.Sprintf("+1555%07d", 1000000+k)
			cv.id = fmt.Sprintf("conv_%s_%s", cv.customer, sc.Tenant.Business)
		}
		add := func(kind, role string, n int, sends bool) {
			for j := range n {
				v := &vu{
					id:    len(users),
					conv:  cv,
					sends: sends,
					claims: token.Claims{
						Sub:  fmt.Sprintf("%s-c%d-%s%d", runTag, k, kind, j),
						Role: role, TenantID: sc.Tenant.ID, WorkspaceID: sc.Tenant.Workspace,
					},
				}
				cv.members = append(cv.members, v)
				users = append(users, v)
			}
		}
		add("agent", "agent", u.AgentsPerConversation, true)
		add("bot", "bot", u.BotsPerConversation, true)
		add("watcher", "agent", u.WatchersPerConversation, false)
		convs = append(convs, cv)
	}
	return convs, users
}
