package reference

import "github.com/utalk/rtconform/spec"

// eventHandlers maps each client event role to its handler. Handlers run after
// every check passed, so they may trust the payload's shape.
func (s *Server) eventHandlers() map[spec.Role]func(*request) {
	return map[spec.Role]func(*request){
		spec.AuthRefresh:       (*request).handleAuthRefresh,
		spec.SendMessage:       (*request).handleSend,
		spec.TypingStart:       func(r *request) { r.handleTyping(true) },
		spec.TypingStop:        func(r *request) { r.handleTyping(false) },
		spec.ReadConversation:  (*request).handleRead,
		spec.AgentTakeover:     (*request).handleTakeover,
		spec.AgentReturn:       (*request).handleReturn,
		spec.SyncState:         (*request).handleSync,
		spec.JoinConversation:  (*request).handleJoin,
		spec.LeaveConversation: (*request).handleLeave,
	}
}
