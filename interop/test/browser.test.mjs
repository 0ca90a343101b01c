// The core flow from a real browser: headless Chromium loads a page from its own
// origin (localhost) with the official socket.io-client bundle, connects
// cross-origin to the server (127.0.0.1) with credentials, joins, sends with an
// ack, receives another member's message, types and syncs, over each transport.
// Every event the page received is validated against the contract here. A page of
// an origin the server does not allow must be refused (CORS is really enforced).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import * as client from 'socket.io-client';
import { useHarness } from '../lib/harness.mjs';
import { clients, transports } from '../lib/clients.mjs';
import { startPageServer } from '../lib/pageserver.mjs';
import { launch } from '../lib/browser.mjs';
import { valid, text } from '../lib/payloads.mjs';
import { uniqueId } from '../lib/world.mjs';
import { reportDir } from '../lib/paths.mjs';
import { addSeen } from '../lib/seen.mjs';

const page = await startPageServer();
const h = useHarness({ corsOrigins: [page.origin] });
let browser;

before(async (t) => {
  browser = await launch();
  t.diagnostic?.(`Chromium ${browser.version}; the page's origin is ${page.origin}`);
});
after(async () => { await browser?.close(); await page.close(); });

// eventNames maps the roles the page uses to the contract's event names.
function eventNames(c) {
  const n = (role) => c.byRole(role).name;
  return { join: n('join-conversation'), send: n('send-message'), messageNew: n('message-new'), typingStart: n('typing-start'), sync: n('sync-state') };
}

// checkEvents validates what the page received and returns the payloads of name.
function checkEvents(ns, events) {
  const problems = events.flatMap((e) => h.contract.checkServerEvent(ns, e.name, e.args));
  assert.deepEqual(problems, [], 'events the browser received that break the contract');
  addSeen(events.map((e) => ({ ns, name: e.name })));
}

// checkAck checks an ack {event, data}: the reply of ev, valid against the contract.
function checkAck(ns, ev, ack) {
  assert.equal(ack?.event, h.contract.byRole(ev.reply).name, `${ev.name} ack ${JSON.stringify(ack)}`);
  assert.deepEqual(h.contract.checkServerEvent(ns, ack.event, [ack.data]), []);
  return ack.data;
}

const bundle = clients.find((c) => c.pkg === 'socket.io-client') ?? { version: 'unknown' };

describe(`Chromium (Debian), socket.io-client@${bundle.version} bundle`, () => {
  for (const transport of transports) {
    it(`runs the core flow cross-origin with credentials over ${transport.label}`, async () => {
      const c = h.contract;
      const w = h.world();
      const ns = '/app';
      const conversation = w.conversation();
      const send = c.byRole('send-message');
      const join = c.byRole('join-conversation');
      // The other member: the official client under Node.
      const peer = await h.open(client, w, ns, w.user('agent'), transports[0]);
      await peer.accepted(join, valid(join, { conversation }));
      const message = text(send, conversation, 'Hola desde Chromium, ¿cómo estás? 👋');
      const peerMessage = text(send, conversation, 'respuesta del agente');
      const user = w.user('agent');
      const tab = await browser.context.newPage();
      const consoleErrors = [];
      tab.on('pageerror', (err) => consoleErrors.push(err.message));
      await tab.goto(page.origin + '/');
      const cfg = {
        url: h.target.url, ns, token: await w.token(user), transports: transport.opts.transports, ev: eventNames(c),
        conversation, message, idempotencyKey: send.idempotencyKey, peerKey: peerMessage[send.idempotencyKey], syncId: uniqueId('sync'),
      };
      const flow = tab.evaluate((cfg) => window.utalk.flow(cfg), cfg);
      flow.catch(() => {}); // awaited below; do not let an early rejection go unhandled
      await tab.waitForFunction(() => window.utalk.joined === true, null, { timeout: 10_000 });
      await peer.accepted(send, peerMessage);
      const out = await flow;

      assert.equal(out.transport, transport.final, 'the engine transport in the browser');
      checkEvents(ns, out.events);
      checkAck(ns, join, out.acks.join);
      const sent = checkAck(ns, send, out.acks.send);
      assert.equal(sent[send.correlation], message[send.correlation]);
      assert.equal(out.peerMessage.text, peerMessage.text);
      checkAck(ns, c.byRole('typing-start'), out.acks.typing);
      const synced = checkAck(ns, c.byRole('sync-state'), out.acks.sync);
      // Both messages, in seq order (the page's and the peer's sends race: either may be first).
      const syncedMsgs = synced.messages ?? [];
      assert.deepEqual(syncedMsgs.map((m) => m[send.idempotencyKey]).sort(), [message, peerMessage].map((m) => m[send.idempotencyKey]).sort(), 'sync:state from the browser');
      assert.deepEqual(syncedMsgs.map((m) => m.seq), [1, 2], 'sync:state seqs');
      // The Node member saw the browser's message, unchanged.
      const got = await peer.waitFor(c.byRole('message-new').name, (m) => m[send.idempotencyKey] === message[send.idempotencyKey]);
      assert.equal(got.text, message.text);
      assert.deepEqual(consoleErrors, [], 'page errors');
      if (transport.label === 'upgrade') {
        mkdirSync(reportDir, { recursive: true });
        await tab.screenshot({ path: path.join(reportDir, 'browser.png'), fullPage: true });
      }
      await tab.close();
    });
  }

  it('gets the connect_error data of a refused handshake in the browser', async () => {
    const tab = await browser.context.newPage();
    await tab.goto(page.origin + '/');
    const err = await tab.evaluate((cfg) => window.utalk.refused(cfg), { url: h.target.url, ns: '/app', token: 'not-a-jwt', transports: ['polling', 'websocket'] });
    assert.equal(err.data?.code, 'AUTHENTICATION_FAILED', JSON.stringify(err));
    assert.deepEqual(h.contract.checkConnectError(err.data), []);
    await tab.close();
  });

  for (const tr of [['polling'], ['websocket']]) {
    it(`is refused from an origin the server does not allow, over ${tr[0]}`, async () => {
      const w = h.world();
      const tab = await browser.context.newPage();
      await tab.goto(page.otherOrigin + '/');
      const err = await tab.evaluate((cfg) => window.utalk.refused(cfg), { url: h.target.url, ns: '/app', token: await w.token(w.user('agent')), transports: tr, timeoutMs: 4000 });
      // polling: the browser withholds the answer (no CORS grant); websocket: the server refuses the upgrade.
      assert.match(err.message, /xhr poll error|websocket error|timeout/i, `a page of ${page.otherOrigin} must not get through: ${JSON.stringify(err)}`);
      await tab.close();
    });
  }
});
