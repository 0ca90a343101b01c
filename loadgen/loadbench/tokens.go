package loadbench

import (
	"context"
	"fmt"
	"time"

	"github.com/utalk/rtconform/internal/token"
)

// mintTokens returns n HS256 tokens of distinct agents of the benchmark tenant.
func mintTokens(ctx context.Context, secret, run string, n int) ([]string, error) {
	src := token.NewSecret([]byte(secret))
	out := make([]string, 0, n)
	for i := range n {
		tok, err := src.Token(ctx, token.Claims{Sub: fmt.Sprintf("%s-u%d", run, i), Role: "agent",
			TenantID: "t_bench", WorkspaceID: "ws_bench", TTL: time.Hour})
		if err != nil {
			return nil, err
		}
		out = append(out, tok)
	}
	return out, nil
}
