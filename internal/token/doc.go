// Package token mints the JWTs that the conformance suite and the load generator give
// each test user: with the target's JWT_SECRET (HS256), or by running TOKEN_CMD as the
// contract defines it (x-socketio.tokenCommand; spec/DECISIONS.md D17).
//
//	src, err := token.FromEnv(os.Getenv) // JWT_SECRET or TOKEN_CMD
//	tok, err := src.Token(ctx, token.Claims{Sub: "agent_1", Role: "agent",
//		TenantID: "t1", WorkspaceID: "w1", TTL: 15 * time.Minute})
package token
