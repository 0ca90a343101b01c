package reference

import (
	"strconv"
	"strings"

	"github.com/zishang520/socket.io/servers/socket/v3"
)

// Room kinds of the contract's x-socketio.rooms.
const (
	roomUser         = "user"
	roomWorkspace    = "workspace"
	roomRole         = "role"
	roomConversation = "conversation"
	roomTenant       = "tenant"
)

// rooms turns the contract's room templates into adapter room names. Every name is
// scoped by tenant ("<len>:<tenant>|user:42"), so that tenant A's workspace ws1 and
// tenant B's ws1 are different rooms and no broadcast can cross tenants. The length
// prefix makes the scoping unambiguous whatever the tenant id holds.
type rooms struct {
	templates map[string]string
	leak      bool // MutationTenantLeak: no tenant scope
}

func (r rooms) name(tenant, kind, value string) socket.Room {
	t, ok := r.templates[kind]
	if !ok {
		t = kind + ":{id}"
	}
	local := t
	if i := strings.IndexByte(t, '{'); i >= 0 {
		if j := strings.IndexByte(t[i:], '}'); j > 0 {
			local = t[:i] + value + t[i+j+1:]
		}
	}
	if r.leak {
		return socket.Room(local)
	}
	return socket.Room(strconv.Itoa(len(tenant)) + ":" + tenant + "|" + local)
}

func (r rooms) user(tenant, user string) socket.Room { return r.name(tenant, roomUser, user) }
func (r rooms) workspace(tenant, ws string) socket.Room {
	return r.name(tenant, roomWorkspace, ws)
}
func (r rooms) role(tenant, role string) socket.Room { return r.name(tenant, roomRole, role) }
func (r rooms) conversation(tenant, conv string) socket.Room {
	return r.name(tenant, roomConversation, conv)
}
func (r rooms) tenant(tenant string) socket.Room { return r.name(tenant, roomTenant, tenant) }
