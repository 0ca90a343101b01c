package spec

// Role is the stable semantic role of an event ("send a message", "its reply"). A
// variant contract may rename every event; code that looks events up by role keeps
// working.
type Role string

// Client event roles.
const (
	AuthRefresh       Role = "auth-refresh"
	SendMessage       Role = "send-message"
	TypingStart       Role = "typing-start"
	TypingStop        Role = "typing-stop"
	ReadConversation  Role = "read-conversation"
	AgentTakeover     Role = "agent-takeover"
	AgentReturn       Role = "agent-return"
	SyncState         Role = "sync-state"
	JoinConversation  Role = "join-conversation"
	LeaveConversation Role = "leave-conversation"
)

// Server event roles.
const (
	AuthRefreshed        Role = "auth-refreshed"
	AuthFailed           Role = "auth-failed"
	TokenExpired         Role = "token-expired"
	UserExpelled         Role = "user-expelled"
	MessageSent          Role = "message-sent"
	MessageError         Role = "message-error"
	MessageNew           Role = "message-new"
	MessageDelivered     Role = "message-delivered"
	MessageRead          Role = "message-read"
	TypingAcknowledged   Role = "typing-acknowledged"
	TypingUpdate         Role = "typing-update"
	ReadAcknowledged     Role = "read-acknowledged"
	TakeoverAcknowledged Role = "takeover-acknowledged"
	ReturnAcknowledged   Role = "return-acknowledged"
	ConversationUpdated  Role = "conversation-updated"
	ConversationNew      Role = "conversation-new"
	ConversationAssigned Role = "conversation-assigned"
	EscalationStarted    Role = "escalation-started"
	EscalationAccepted   Role = "escalation-accepted"
	BotResumed           Role = "bot-resumed"
	MediaUploaded        Role = "media-uploaded"
	MediaUploadProgress  Role = "media-upload-progress"
	PresenceUpdate       Role = "presence-update"
	UserConnected        Role = "user-connected"
	UserDisconnected     Role = "user-disconnected"
	StateSynced          Role = "state-synced"
	Notification         Role = "notification"
	SystemNotification   Role = "system-notification"
	JoinedConversation   Role = "joined-conversation"
	LeftConversation     Role = "left-conversation"
	MetricsSnapshot      Role = "metrics-snapshot"
	GenericError         Role = "error"
)
