// The per-file test harness: one server under test for the file, the sessions a
// test opened (closed after it), and the contract check after every test: a test
// fails when any event its sockets received broke the contract, whatever it asserted.
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import { before, after, afterEach } from 'node:test';
import { contract } from './contract.mjs';
import { startTarget } from './target.mjs';
import { Session } from './session.mjs';
import { World } from './world.mjs';
import { recordSeen } from './seen.mjs';

// useHarness registers the hooks of a test file and returns the harness; its
// target and contract are set once the before hook ran.
export function useHarness(targetOpts = {}) {
  const h = {
    target: undefined,
    contract: undefined,
    sessions: [],
    world() { return new World(h.target); },
    // open connects client module io to namespace ns as user (a token is minted
    // unless opts.token is given: null sends none) and resolves once connected.
    async open(io, world, ns, user, transport, opts = {}) {
      const s = h.session(io, ns, opts.token === undefined ? await world.token(user) : opts.token ?? undefined, { ...transport.opts, ...opts.client });
      s.user = user;
      await s.connected();
      return s;
    },
    // session creates a session without waiting for the connection.
    session(io, ns, token, clientOpts = {}) {
      const s = new Session({ io, contract: h.contract, url: h.target.url, ns, token, opts: { agent: h.agent, ...clientOpts } });
      h.sessions.push(s);
      return s;
    },
  };
  before(async () => {
    h.contract = await contract();
    h.target = await startTarget(typeof targetOpts === 'function' ? await targetOpts() : targetOpts);
    // Every HTTP and WebSocket connection of the file's clients goes through this
    // agent, so the file can end them all: a server may leave a poll of a closed
    // session unanswered, and its open connection would keep this process alive.
    h.agent = new (h.target.url.startsWith('https:') ? https : http).Agent({ keepAlive: false });
  });
  afterEach(() => {
    const open = h.sessions.splice(0);
    for (const s of open) s.close();
    recordSeen(open);
    const problems = open.flatMap((s) => s.problems);
    assert.deepEqual(problems, [], 'events received that break the contract');
  });
  after(async () => {
    h.agent?.destroy();
    await h.target?.stop();
  });
  return h;
}
