package spec

// Code is a protocol error code of the contract (x-socketio.errorCodes).
type Code string

// The error codes this module's code refers to. Parse checks that the contract declares
// each of them, so they are names for contract data, not new data.
const (
	CodeAuthenticationFailed    Code = "AUTHENTICATION_FAILED"
	CodeTokenExpired            Code = "TOKEN_EXPIRED"
	CodeAccessDenied            Code = "ACCESS_DENIED"
	CodeUserExpelled            Code = "USER_EXPELLED"
	CodeConnectionLimitExceeded Code = "CONNECTION_LIMIT_EXCEEDED"
	CodeInvalidEvent            Code = "INVALID_EVENT"
	CodeRateLimitExceeded       Code = "RATE_LIMIT_EXCEEDED"
	CodePayloadTooLarge         Code = "PAYLOAD_TOO_LARGE"
	CodeValidationError         Code = "VALIDATION_ERROR"
	CodeIdempotencyConflict     Code = "IDEMPOTENCY_CONFLICT"
	CodeRoomFull                Code = "ROOM_FULL"
	CodeAlreadyAssigned         Code = "ALREADY_ASSIGNED"
	CodeDeliveryFailed          Code = "DELIVERY_FAILED"
	CodeInternalError           Code = "INTERNAL_ERROR"
)

var knownCodes = []Code{
	CodeAuthenticationFailed, CodeTokenExpired, CodeAccessDenied, CodeUserExpelled,
	CodeConnectionLimitExceeded, CodeInvalidEvent, CodeRateLimitExceeded, CodePayloadTooLarge,
	CodeValidationError, CodeIdempotencyConflict, CodeRoomFull, CodeAlreadyAssigned,
	CodeDeliveryFailed, CodeInternalError,
}

// ErrorInfo describes one error code: where it may appear and what it means.
type ErrorInfo struct {
	Where       []string `yaml:"where" json:"where"`
	Description string   `yaml:"description" json:"description"`
}
