// The JWT handshake as the official client does it (auth: {token}): every
// namespace a role may use accepts it; a missing, forged, unsigned or expired token,
// a role the namespace refuses and the main namespace are refused with connect_error
// data carrying the contract's code (checked against its error envelope).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useHarness } from '../lib/harness.mjs';
import { matrix, settledTransport } from '../lib/clients.mjs';
import { mint, unsigned } from '../lib/tokens.mjs';

const h = useHarness();

// refusedWith opens a socket that must be refused and returns the connect_error data.
async function refusedWith(io, ns, token, transport) {
  const s = h.session(io, ns, token, { ...transport.opts, reconnection: false });
  return s.refused();
}

for (const { client, transport, label } of matrix) {
  describe(label, () => {
    it('connects with a valid token on every namespace its role may use', async () => {
      const io = await client.load();
      for (const ns of h.contract.connectable()) {
        for (const role of ns.roles) {
          const w = h.world();
          const s = await h.open(io, w, ns.name, w.user(role), transport);
          assert.equal(await settledTransport(s.socket, transport.final), transport.final, `${ns.name} as ${role}`);
          assert.ok(s.socket.id, 'a socket id');
        }
      }
    });

    it('refuses a missing, forged, unsigned or expired token', async () => {
      const io = await client.load();
      const w = h.world();
      const ns = h.contract.connectable()[0].name;
      const user = w.user(h.contract.connectable()[0].roles[0]);
      const cases = [
        ['no token', undefined, 'AUTHENTICATION_FAILED'],
        ['another secret', await mint(`${h.target.secret}-not`, user), 'AUTHENTICATION_FAILED'],
        ['alg none', unsigned(user), 'AUTHENTICATION_FAILED'],
        ['expired', await w.token(user, -60), 'TOKEN_EXPIRED'],
        ['not a JWT', 'garbage', 'AUTHENTICATION_FAILED'],
      ];
      for (const [what, token, code] of cases) {
        assert.ok(h.contract.binding.handshake.connectErrors.includes(code), `${code} is a connect error of the contract`);
        const data = await refusedWith(io, ns, token, transport);
        assert.equal(data?.code, code, `${what}: connect_error data ${JSON.stringify(data)}`);
      }
    });

    it('refuses a role on a namespace that does not take it, and the main namespace', async () => {
      const io = await client.load();
      const all = [...new Set(h.contract.connectable().flatMap((n) => n.roles))];
      let checked = 0;
      for (const ns of h.contract.namespaces) {
        for (const role of all.filter((r) => !ns.roles.includes(r))) {
          const w = h.world();
          const data = await refusedWith(io, ns.name, await w.token(w.user(role)), transport);
          assert.equal(data?.code, 'ACCESS_DENIED', `${role} on ${ns.name}: ${JSON.stringify(data)}`);
          checked += 1;
        }
      }
      assert.ok(h.contract.namespaces.some((n) => n.refuses), 'the contract has a namespace that refuses everyone');
      assert.ok(checked >= 3, `only ${checked} refusals checked`);
    });

    it('keeps the socket on auth:refresh with a new token, refuses a bad one', async () => {
      const io = await client.load();
      const w = h.world();
      const user = w.user('agent');
      const s = await h.open(io, w, '/app', user, transport);
      const refresh = h.contract.byRole('auth-refresh');
      const ok = await s.request(refresh, { token: await w.token(user) });
      assert.equal(ok.event, h.contract.byRole(refresh.reply).name);
      const bad = await s.request(refresh, { token: await mint(`${h.target.secret}-not`, user) });
      assert.equal(bad.event, h.contract.byRole(refresh.errorEvent).name);
      assert.equal(bad.data.code ?? bad.data.error?.code, 'AUTHENTICATION_FAILED');
      assert.ok(s.socket.connected, 'the socket stays after a refused refresh');
    });
  });
}
