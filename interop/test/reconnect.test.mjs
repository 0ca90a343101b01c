// Reconnection and re-sync as a frontend does it with the official client: the
// Manager reconnects by itself after a client-side or a server-side transport drop;
// the app joins its conversation again and asks sync:state for everything after the
// last seq it saw; the missed messages come back whole, in seq order, once each.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useHarness } from '../lib/harness.mjs';
import { matrix } from '../lib/clients.mjs';
import { valid, text } from '../lib/payloads.mjs';
import { control } from '../lib/target.mjs';

const h = useHarness();

// The reasons after which socket.io-client does not reconnect by itself.
const serverOrClientDisconnect = ['io server disconnect', 'io client disconnect'];

// room opens two members a and b of a new conversation on /app.
async function room(io, transport) {
  const c = h.contract;
  const w = h.world();
  const conversation = w.conversation();
  const join = c.byRole('join-conversation');
  const a = await h.open(io, w, '/app', w.user('agent'), transport);
  const b = await h.open(io, w, '/app', w.user('agent'), transport);
  await a.accepted(join, valid(join, { conversation }));
  await b.accepted(join, valid(join, { conversation }));
  return { w, conversation, a, b };
}

// say sends n texts from s and returns their idempotency keys.
async function say(s, conversation, n, label) {
  const send = h.contract.byRole('send-message');
  const keys = [];
  for (let i = 0; i < n; i++) {
    const p = text(send, conversation, `${label} ${i}`);
    await s.accepted(send, p);
    keys.push(p[send.idempotencyKey]);
  }
  return keys;
}

// lastSeq is the highest seq of the message:new of conversation that s received.
function lastSeq(s, conversation) {
  const seqs = s.received(h.contract.byRole('message-new').name).filter((m) => m.conversationId === conversation).map((m) => m.seq);
  return seqs.length ? Math.max(...seqs) : 0;
}

// catchUp rejoins and asks sync:state for every message after afterSeq, page by page.
async function catchUp(s, conversation, afterSeq) {
  const c = h.contract;
  const join = c.byRole('join-conversation');
  await s.accepted(join, valid(join, { conversation }));
  const sync = c.byRole('sync-state');
  const messages = [];
  for (let page = 0; page < 50; page++) {
    const p = valid(sync);
    delete p.lastSync;
    p.cursors = [{ conversationId: conversation, afterSeq }];
    const r = await s.accepted(sync, p);
    messages.push(...(r.messages ?? []));
    assert.deepEqual(r.gaps ?? [], [], 'no gap in a short catch-up');
    if (!r.hasMore) return messages;
    afterSeq = r.messages.at(-1).seq;
  }
  throw new Error('sync:state kept saying hasMore');
}

function expectRecovered(messages, keys, after) {
  const key = h.contract.byRole('send-message').idempotencyKey;
  assert.deepEqual(messages.map((m) => m[key]), keys, 'sync:state returns exactly the missed messages, in order');
  messages.forEach((m, i) => assert.equal(m.seq, after + 1 + i, `message ${i}: seq without gap`));
}

for (const { client, transport, label } of matrix) {
  describe(label, () => {
    it('recovers the messages missed during a client-side drop', async () => {
      const io = await client.load();
      const { conversation, a, b } = await room(io, transport);
      await say(a, conversation, 2, 'before');
      await b.waitFor(h.contract.byRole('message-new').name, () => lastSeq(b, conversation) >= 2);
      const last = lastSeq(b, conversation);
      b.socket.io.engine.close(); // the network goes away under the client
      await b.until(() => (b.disconnects.length >= 1 ? true : undefined), 'the disconnect');
      assert.ok(!serverOrClientDisconnect.includes(b.disconnects[0]), `disconnect reason ${b.disconnects[0]}: the client would not reconnect`);
      const missed = await say(a, conversation, 3, 'missed');
      await b.until(() => (b.connects >= 2 ? true : undefined), 'the automatic reconnect');
      // No connection state recovery (4.6+ clients ask for it): sync:state is the way back.
      assert.notEqual(b.socket.recovered, true, 'socket.recovered');
      expectRecovered(await catchUp(b, conversation, last), missed, last);
    });

    it('recovers the messages missed during a server-side drop', { skip: !process.env.TARGET || process.env.CONTROL_URL ? false : 'no CONTROL_URL' }, async () => {
      const io = await client.load();
      const { conversation, a, b } = await room(io, transport);
      await say(a, conversation, 2, 'before');
      await b.waitFor(h.contract.byRole('message-new').name, () => lastSeq(b, conversation) >= 2);
      const last = lastSeq(b, conversation);
      const dropped = await control(h.target, '/control/drop', { tenantId: b.user.tenantId, userId: b.user.sub });
      assert.ok(dropped.sockets >= 1, `dropTransport closed ${dropped.sockets} sockets`);
      await b.until(() => (b.disconnects.length >= 1 ? true : undefined), 'the disconnect');
      // Over WebSocket the client sees "transport close". Over long-polling it is
      // "transport close" when a poll was pending, else "transport error" (the next
      // poll names a closed session): both reconnect by themselves.
      const want = transport.final === 'polling' ? ['transport close', 'transport error'] : ['transport close'];
      assert.ok(want.includes(b.disconnects[0]), `disconnect reason ${b.disconnects[0]}, want one of ${want.join(', ')}: a transport drop is not a Socket.IO disconnect`);
      const missed = await say(a, conversation, 3, 'during');
      await b.until(() => (b.connects >= 2 ? true : undefined), 'the automatic reconnect');
      expectRecovered(await catchUp(b, conversation, last), missed, last);
    });

    it('recovers everything for a client that comes back with nothing (afterSeq 0)', async () => {
      const io = await client.load();
      const { w, conversation, a, b } = await room(io, transport);
      b.close();
      const missed = await say(a, conversation, 4, 'missed');
      const back = await h.open(io, w, '/app', b.user, transport);
      expectRecovered(await catchUp(back, conversation, 0), missed, 0);
    });
  });
}
