// Valid payloads for client events, built from the contract's first example the
// way the Go suite builds them (conformance.Valid): the access field names the
// conversation, the correlation and idempotency fields get fresh values, example
// server message ids and tokens are replaced.
import { uniqueId } from './world.mjs';

const serverIdPattern = /^msg_[A-Za-z0-9_-]+$/;

// valid returns a payload for event ev; fill: {conversation, serverMessageId, token}.
export function valid(ev, fill = {}) {
  const p = structuredClone(ev.example ?? {});
  for (const [k, v] of Object.entries(p)) {
    if (typeof v === 'string' && serverIdPattern.test(v) && fill.serverMessageId) p[k] = fill.serverMessageId;
  }
  if ('token' in p && fill.token) p.token = fill.token;
  if (ev.access && fill.conversation) p[ev.access.field] = fill.conversation;
  for (const field of [ev.correlation, ev.idempotencyKey]) {
    if (!field || (ev.access && field === ev.access.field)) continue;
    p[field] = uniqueId('c');
  }
  return p;
}

// text is a valid send-message payload with a fresh idempotency key and this text.
export function text(ev, conversation, body) {
  const p = valid(ev, { conversation });
  p.type = 'text';
  p.text = body;
  delete p.mediaId;
  return p;
}
