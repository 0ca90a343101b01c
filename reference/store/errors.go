package store

import "errors"

// ErrInvalid is returned for an argument a store cannot use: a conversation or
// message without its tenant or id, a presence entry without its user.
var ErrInvalid = errors.New("invalid argument")
