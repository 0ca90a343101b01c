// Every client event of the contract, sent by the official socket.io-client on
// every namespace that takes it, over every transport and client version: each is
// answered by its reply event and its acknowledgement, matched by correlation field;
// the broadcasts reach another member; bad events are refused with the contract's codes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useHarness } from '../lib/harness.mjs';
import { matrix, settledTransport } from '../lib/clients.mjs';
import { valid, text } from '../lib/payloads.mjs';

const h = useHarness();

// atLeast reports whether semver a >= b (major.minor.patch).
function atLeast(a, b) {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i];
  return true;
}

// The order a frontend uses them in: a conversation is joined before it is written
// to, and left last. Events the contract adds later run after these, in document order.
const flow = ['join-conversation', 'send-message', 'typing-start', 'typing-stop', 'read-conversation',
  'agent-takeover', 'agent-return', 'sync-state', 'auth-refresh', 'leave-conversation'];
const rank = (e) => (flow.includes(e.role) ? flow.indexOf(e.role) : flow.length);

// roleFor picks the user role of ns that may emit the most of its client events.
function roleFor(ns) {
  const score = (r) => ns.clientEvents.filter((e) => e.allowedRoles.includes(r)).length;
  return [...ns.roles].sort((a, b) => score(b) - score(a))[0];
}

for (const { client, transport, label } of matrix) {
  describe(label, () => {
    it('answers every client event of every namespace, with a matching ack', async () => {
      const io = await client.load();
      let exercised = 0;
      for (const ns of h.contract.connectable()) {
        const w = h.world();
        const role = roleFor(ns);
        const user = w.user(role);
        const s = await h.open(io, w, ns.name, user, transport);
        assert.equal(await settledTransport(s.socket, transport.final), transport.final, `${ns.name}: engine transport`);
        const conversation = w.conversation();
        let lastSent;
        for (const ev of [...ns.clientEvents].sort((a, b) => rank(a) - rank(b))) {
          if (!ev.allowedRoles.includes(role)) continue;
          const p = valid(ev, { conversation, serverMessageId: lastSent?.id, token: await w.token(user) });
          const r = await s.request(ev, p);
          assert.equal(r.event, h.contract.byRole(ev.reply).name, `${ns.name} ${ev.name} ${JSON.stringify(p)}: answered ${r.event} ${JSON.stringify(r.data)}`);
          if (ev.correlation) assert.equal(r.data[ev.correlation], p[ev.correlation], `${ev.name}: reply ${ev.correlation}`);
          if (ev.role === 'send-message') lastSent = r.data;
          exercised += 1;
        }
      }
      const every = h.contract.connectable().flatMap((ns) => ns.clientEvents.filter((e) => e.allowedRoles.includes(roleFor(ns))));
      assert.equal(exercised, every.length);
      assert.ok(exercised >= 10, `only ${exercised} client events exercised`);
    });

    it('delivers message and typing broadcasts to another member, and dedups a retry', async () => {
      const io = await client.load();
      const c = h.contract;
      const w = h.world();
      const ns = '/app';
      const [a, b] = [await h.open(io, w, ns, w.user('agent'), transport), await h.open(io, w, ns, w.user('agent'), transport)];
      const conversation = w.conversation();
      const join = c.byRole('join-conversation');
      await a.accepted(join, valid(join, { conversation }));
      await b.accepted(join, valid(join, { conversation }));
      const send = c.byRole('send-message');
      const key = send.idempotencyKey;
      const p = text(send, conversation, `hola desde ${label}`);
      const sent = await a.accepted(send, p);
      const seen = await b.waitFor(c.byRole('message-new').name, (m) => m[key] === p[key]);
      assert.equal(seen.id, sent.id);
      assert.equal(seen.seq, sent.seq);
      assert.equal(seen.text, p.text, 'the text arrives unchanged (UTF-8)');
      // A retry with the same idempotency key: the same message, and no second message:new.
      const again = await a.accepted(send, p);
      assert.equal(again.id, sent.id);
      assert.equal(again.seq, sent.seq);
      assert.equal(again.duplicate, true);
      const typing = c.byRole('typing-start');
      await a.accepted(typing, valid(typing, { conversation }));
      await b.waitFor(c.byRole('typing-update').name, (t) => t.conversationId === conversation);
      // a barrier: b's own request is answered after everything sent to it before.
      await b.accepted(c.byRole('typing-stop'), valid(c.byRole('typing-stop'), { conversation }));
      assert.equal(b.received(c.byRole('message-new').name).filter((m) => m[key] === p[key]).length, 1, 'message:new after a retry');
    });

    it('matches concurrent replies by their correlation field', async () => {
      const io = await client.load();
      const c = h.contract;
      const w = h.world();
      const s = await h.open(io, w, '/app', w.user('agent'), transport);
      const conversation = w.conversation();
      const join = c.byRole('join-conversation');
      await s.accepted(join, valid(join, { conversation }));
      const send = c.byRole('send-message');
      const payloads = Array.from({ length: 20 }, (_, i) => text(send, conversation, `burst ${i}`));
      const replies = await Promise.all(payloads.map((p) => s.accepted(send, p)));
      replies.forEach((r, i) => assert.equal(r[send.correlation], payloads[i][send.correlation], `reply ${i}`));
      const seqs = replies.map((r) => r.seq).sort((x, y) => x - y);
      assert.deepEqual(seqs, seqs.map((_, i) => seqs[0] + i), 'seqs are consecutive, none repeated');
    });

    it('refuses an unknown event and a bad payload with the contract error codes', async () => {
      const io = await client.load();
      const c = h.contract;
      const w = h.world();
      const s = await h.open(io, w, '/app', w.user('agent'), transport);
      const generic = c.byRole('error').name;
      const unknownName = 'interop:not-in-the-contract';
      assert.ok(!c.events.has(unknownName));
      s.socket.emit(unknownName, {});
      const unknown = await s.waitFor(generic, (e) => e.event === unknownName);
      assert.equal(unknown.code, 'INVALID_EVENT');
      const send = c.byRole('send-message');
      const bad = text(send, w.conversation(), 'x');
      bad[send.access.field] = 'not a conversation id';
      const r = await s.request(send, bad);
      assert.equal(r.event, c.byRole(send.errorEvent).name);
      assert.equal(r.data.error.code, 'VALIDATION_ERROR');
      assert.equal(r.data.error.details.field, `/${send.access.field}`, 'the error names the field as a JSON pointer');
    });

    it('answers emitWithAck with the client\'s ackTimeout and retries options set (4.6 and later)', { skip: !atLeast(client.version, '4.6.0') && `socket.io-client@${client.version} has no emitWithAck` }, async () => {
      const io = await client.load();
      const c = h.contract;
      const w = h.world();
      // retries makes the client resend a packet its ack did not answer in time;
      // the idempotency key makes such a resend safe (one message, same reply).
      const s = await h.open(io, w, '/app', w.user('agent'), transport, { client: { retries: 2, ackTimeout: 5_000 } });
      const conversation = w.conversation();
      const join = c.byRole('join-conversation');
      const joined = await s.socket.timeout(5_000).emitWithAck(join.name, valid(join, { conversation }));
      assert.equal(joined.event, c.byRole(join.reply).name);
      const send = c.byRole('send-message');
      const p = text(send, conversation, 'con emitWithAck');
      const ans = await s.socket.timeout(5_000).emitWithAck(send.name, p);
      assert.equal(ans.event, c.byRole(send.reply).name);
      assert.equal(ans.data[send.correlation], p[send.correlation]);
      assert.deepEqual(c.checkServerEvent('/app', ans.event, [ans.data]), []);
    });

    it('multiplexes two namespaces over one connection (one Manager, as io() does by default)', async () => {
      const io = await client.load();
      const w = h.world();
      const user = w.user('agent');
      const token = await w.token(user);
      const manager = new io.Manager(h.target.url, { ...transport.opts, agent: h.agent, reconnection: false, timeout: 5_000 });
      const [app, agent] = ['/app', '/agent'].map((ns) => manager.socket(ns, { auth: { token } }));
      const problems = [];
      for (const sock of [app, agent]) sock.onAny((name, ...args) => problems.push(...h.contract.checkServerEvent(sock.nsp, name, args)));
      try {
        await Promise.all([app, agent].map((sock) => new Promise((resolve, reject) => {
          sock.once('connect', resolve);
          sock.once('connect_error', (err) => reject(new Error(`${sock.nsp}: ${err.message} ${JSON.stringify(err.data)}`)));
          sock.connect();
        })));
        assert.ok(app.connected && agent.connected);
        assert.equal(app.io.engine, agent.io.engine, 'one engine connection for both namespaces');
        const sync = h.contract.byRole('sync-state');
        const ask = (sock) => (typeof sock.emitWithAck === 'function'
          ? sock.timeout(5_000).emitWithAck(sync.name, valid(sync))
          : new Promise((resolve) => sock.emit(sync.name, valid(sync), resolve)));
        const answers = await Promise.all([app, agent].map(ask));
        for (const a of answers) assert.equal(a.event, h.contract.byRole(sync.reply).name);
        assert.deepEqual(problems, [], 'events received that break the contract');
      } finally {
        app.disconnect();
        agent.disconnect();
      }
    });
  });
}
