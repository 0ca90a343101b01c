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
import { readFileSync } from 'node:fs';
import { transports } from '../lib/clients.mjs';
import { startPageServer } from '../lib/pageserver.mjs';
import { launch } from '../lib/browser.mjs';
import { valid, text } from '../lib/payloads.mjs';
import { uniqueId } from '../lib/world.mjs';
import { interopDir, reportDir } from '../lib/paths.mjs';
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

// The bundle the page loads is the main socket.io-client package's dist/socket.io.min.js.
const bundle = JSON.parse(readFileSync(path.join(interopDir, 'node_modules', 'socket.io-client', 'package.json'), 'utf8'));
// hint is what to check when the page cannot connect to an external TARGET.
const hint = process.env.TARGET ? ` (is ${page.origin} allowed with credentials by the target's CORS settings? INTEROP_PAGE_PORT sets its port)` : '';

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
      const flow = tab.evaluate((cfg) => window.utalk.flow(cfg), cfg).catch((err) => { throw new Error(`the page's flow failed: ${err.message}${hint}`); });
      // Whichever comes first: the page joined, or its flow failed (that error, not a timeout).
      await Promise.race([tab.waitForFunction(() => window.utalk.joined === true, null, { timeout: 10_000 }), flow]);
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
    it(`is refused from an origin the server does not allow, over ${tr[0]}, and not from the allowed one`, async () => {
      const w = h.world();
      const cfg = { url: h.target.url, ns: '/app', token: await w.token(w.user('agent')), transports: tr, timeoutMs: 4000 };
      const tab = await browser.context.newPage();
      // The control: the same socket from the allowed origin connects (so the refusal
      // below is the origin's doing, not a server that is down).
      await tab.goto(page.origin + '/');
      const ok = await tab.evaluate((cfg) => window.utalk.connects(cfg), cfg);
      assert.equal(ok.transport, tr[0], `from ${page.origin}: ${JSON.stringify(ok)}${hint}`);
      await tab.goto(page.otherOrigin + '/');
      const err = await tab.evaluate((cfg) => window.utalk.refused(cfg), cfg);
      // polling: the browser withholds the answer (no CORS grant); websocket: the server refuses the upgrade.
      assert.match(err.message, /xhr poll error|websocket error/i, `a page of ${page.otherOrigin} must not get through: ${JSON.stringify(err)}`);
      await tab.close();
    });
  }
});
