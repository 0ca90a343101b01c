package token

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// Command mints tokens by running TOKEN_CMD through sh -c with UTALK_SUB, UTALK_ROLE,
// UTALK_TENANT, UTALK_WORKSPACE and UTALK_TTL (seconds, negative for an expired token)
// in its environment; it must print one token on stdout.
type Command struct {
	Cmd string
}

// Token runs the command for the claims.
func (c Command) Token(ctx context.Context, cl Claims) (string, error) {
	if err := cl.check(); err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, "sh", "-c", c.Cmd)
	cmd.Env = append(os.Environ(),
		"UTALK_SUB="+cl.Sub, "UTALK_ROLE="+cl.Role, "UTALK_TENANT="+cl.TenantID,
		"UTALK_WORKSPACE="+cl.WorkspaceID, "UTALK_TTL="+strconv.Itoa(int(cl.TTL.Seconds())))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("TOKEN_CMD %q: %w: %s", c.Cmd, err, strings.TrimSpace(stderr.String()))
	}
	tok := strings.TrimSpace(stdout.String())
	if tok == "" || strings.ContainsAny(tok, " \n\t") {
		return "", fmt.Errorf("TOKEN_CMD %q: want one token on stdout, got %q", c.Cmd, truncate(stdout.String()))
	}
	return tok, nil
}

// CanForge is false: a command makes only the tokens the target would issue.
func (Command) CanForge() bool { return false }

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
