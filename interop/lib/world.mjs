// A world is a tenant and workspace of its own, so that tests never see each
// other's presence, rooms or messages; its users and conversations are unique too.
import { randomUUID } from 'node:crypto';
import { mint } from './tokens.mjs';

let n = 0;
const nonce = `${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;

// uniqueId returns kind_<run nonce>_<n>, valid as a user, tenant or workspace id.
export function uniqueId(kind) {
  n += 1;
  return `${kind}_js${nonce}_${n}`;
}

export class World {
  constructor(target) {
    this.target = target;
    this.tenantId = uniqueId('t');
    this.workspaceId = uniqueId('w');
  }

  // user returns a new user {sub, role, tenantId, workspaceId} of this world.
  user(role) {
    return { sub: uniqueId(role), role, tenantId: this.tenantId, workspaceId: this.workspaceId };
  }

  // token mints a token for user, valid ttl seconds (negative: expired).
  token(user, ttl = 900) {
    return mint(this.target.secret, user, ttl);
  }

  // conversation returns a new WhatsApp-style conversation id (customer, business numbers).
  conversation() {
    n += 1;
    const customer = `+1415${String(5_000_000 + ((process.pid * 1000 + n) % 4_999_999)).padStart(7, '0')}`;
    return `conv_${customer}_+14155550100`;
  }
}

export const uuid = () => randomUUID();
