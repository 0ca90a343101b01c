package reference

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/utalk/rtconform/reference/store"
)

// Schema bounds of state:synced.
const (
	maxSyncConversations = 1000
	maxSyncOnline        = 1000
	maxSyncGaps          = 200
)

// syncTarget is one conversation whose messages sync:state returns.
type syncTarget struct {
	conv     *store.Conversation
	afterSeq int64
	cursor   bool      // exact cursor (gaps reported) rather than lastSync
	since    time.Time // lastSync: messages created at or after it
}

// handleSync answers the user's current state and the messages asked for: exact
// cursors first, then lastSync over the user's other conversations, in ascending
// (conversationId, seq) order, one page of at most limit messages that stays well
// under the payload limit (hasMore: ask again with advanced cursors). Ranges no
// longer retained come back as gaps.
func (r *request) handleSync() {
	s, now := r.srv, time.Now()
	syncID, _ := r.p["syncId"].(string)
	out := stateSynced{SyncID: syncID, Conversations: []syncConversation{}, UnreadCounts: map[string]int64{},
		OnlineUsers: []onlineUser{}, ServerTime: stamp(now), Messages: []messageNew{}}
	mine, err := r.myConversations()
	if err != nil {
		r.internal(err)
		return
	}
	for _, c := range mine[:min(len(mine), maxSyncConversations)] {
		unread, _ := s.st.Conversations.Unread(r.ctx, c.TenantID, c.ID, r.id.UserID)
		_, oldest, _ := s.st.Messages.After(r.ctx, c.TenantID, c.ID, 0, 1)
		out.Conversations = append(out.Conversations, syncConversation{ID: c.ID, Status: c.Status,
			UnreadCount: unread, LastMessage: lastMessageOf(c.LastMessage), LastSeq: c.LastSeq, OldestSeq: oldest})
		out.UnreadCounts[c.ID] = unread
	}
	if online, err := s.st.Presence.Online(r.ctx, r.id.TenantID); err == nil {
		for _, e := range online {
			if e.WorkspaceID == r.id.WorkspaceID && len(out.OnlineUsers) < maxSyncOnline {
				out.OnlineUsers = append(out.OnlineUsers, onlineUser{UserID: e.UserID, Status: "online", Role: e.Role})
			}
		}
	}
	targets := r.syncTargets(mine)
	if err := r.fillMessages(&out, targets); err != nil {
		r.internal(err)
		return
	}
	if r.srv.mut.on(MutationSyncDropsLast) && len(out.Messages) > 0 {
		out.Messages = out.Messages[:len(out.Messages)-1]
	}
	r.reply(out)
}

// myConversations lists the user's conversations of this workspace, by id.
func (r *request) myConversations() ([]*store.Conversation, error) {
	ids, err := r.srv.st.Conversations.Of(r.ctx, r.id.TenantID, r.id.UserID)
	if err != nil {
		return nil, err
	}
	slices.Sort(ids)
	var out []*store.Conversation
	for _, id := range ids {
		if c, err := r.srv.st.Conversations.Get(r.ctx, r.id.TenantID, id); err == nil && c.WorkspaceID == r.id.WorkspaceID {
			out = append(out, c)
		}
	}
	return out, nil
}

func (r *request) syncTargets(mine []*store.Conversation) []syncTarget {
	var targets []syncTarget
	seen := map[string]bool{}
	cursors, _ := r.p["cursors"].([]any)
	for _, raw := range cursors {
		cur, _ := raw.(map[string]any)
		id, _ := cur["conversationId"].(string)
		after, _ := cur["afterSeq"].(float64)
		if seen[id] {
			continue
		}
		c, err := r.srv.st.Conversations.Get(r.ctx, r.id.TenantID, id)
		if err != nil || c.WorkspaceID != r.id.WorkspaceID {
			continue // unknown or not the user's: nothing to say (ids cannot be probed)
		}
		seen[id] = true
		targets = append(targets, syncTarget{conv: c, afterSeq: int64(after), cursor: true})
	}
	if ls, ok := r.p["lastSync"].(string); ok {
		if since, err := parseStamp(ls); err == nil {
			for _, c := range mine {
				if !seen[c.ID] {
					targets = append(targets, syncTarget{conv: c, since: since})
				}
			}
		}
	}
	slices.SortFunc(targets, func(a, b syncTarget) int {
		switch {
		case a.conv.ID < b.conv.ID:
			return -1
		case a.conv.ID > b.conv.ID:
			return 1
		}
		return 0
	})
	return targets
}

// fillMessages adds the targets' messages to out, one page's worth.
func (r *request) fillMessages(out *stateSynced, targets []syncTarget) error {
	s := r.srv
	limit := s.c.Limits.SyncPageDefault
	if l, ok := r.p["limit"].(float64); ok && l >= 1 {
		limit = int(l)
	}
	limit = min(limit, s.c.Limits.SyncPageMax)
	budget := s.c.Limits.MaxPayloadBytes * 3 / 4
	for _, t := range targets {
		after := t.afterSeq
		for {
			msgs, oldest, err := s.st.Messages.After(r.ctx, t.conv.TenantID, t.conv.ID, after, limit+1)
			if err != nil {
				return err
			}
			if t.cursor && after == t.afterSeq && len(out.Gaps) < maxSyncGaps {
				if g, ok := gapOf(t, oldest); ok {
					out.Gaps = append(out.Gaps, g)
				}
			}
			if len(msgs) == 0 {
				break
			}
			for _, m := range msgs {
				if !t.cursor && m.CreatedAt.Before(t.since) {
					continue
				}
				p := s.messageNewOf(m)
				b, _ := json.Marshal(p)
				if len(out.Messages) >= limit || budget-len(b) < 0 {
					out.HasMore = true
					return nil
				}
				budget -= len(b) + 1
				out.Messages = append(out.Messages, p)
			}
			after = msgs[len(msgs)-1].Seq
		}
	}
	return nil
}

// gapOf is the range a cursor asked for that retention dropped, if any.
func gapOf(t syncTarget, oldest int64) (gap, bool) {
	from := t.afterSeq + 1
	to := oldest - 1
	if oldest == 0 { // nothing retained
		to = t.conv.LastSeq
	}
	if to < from {
		return gap{}, false
	}
	return gap{ConversationID: t.conv.ID, FromSeq: from, ToSeq: to}, true
}
