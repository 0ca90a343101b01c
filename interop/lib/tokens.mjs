// Tokens as the contract's handshake wants them (HS256 JWT with sub, role,
// workspaceId, tenantId, exp), and the forged ones the auth checks need.
import { SignJWT } from 'jose';

const enc = new TextEncoder();
const b64url = (obj) => Buffer.from(JSON.stringify(obj)).toString('base64url');

// mint signs a token for user {sub, role, tenantId, workspaceId} valid ttl seconds
// (negative: already expired).
export async function mint(secret, user, ttl = 900) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: user.role, tenantId: user.tenantId, workspaceId: user.workspaceId, name: user.name ?? user.sub })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.sub)
    .setIssuedAt(now - (ttl < 0 ? 2 * -ttl : 0))
    .setExpirationTime(now + ttl)
    .sign(enc.encode(secret));
}

// unsigned is the same claims with alg none and no signature.
export function unsigned(user) {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: user.sub, role: user.role, tenantId: user.tenantId, workspaceId: user.workspaceId, iat: now, exp: now + 900 };
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
}

let seq = 0;
// newUser makes a user unique to this process: tests never share a user id, so
// presence, connection limits and rate limits of one test never reach another.
export function newUser(role, { tenantId = 'tenantA', workspaceId = 'ws1' } = {}) {
  seq += 1;
  const sub = `${role}_js${process.pid}_${seq}_${Math.random().toString(36).slice(2, 8)}`;
  return { sub, role, tenantId, workspaceId };
}
