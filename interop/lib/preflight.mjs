// Preflight: before a run against an external TARGET, one check that names the
// problem instead of hundreds of failing tests: the target answers an Engine.IO
// handshake, and a token minted with JWT_SECRET is accepted on a namespace.
import { io } from 'socket.io-client';
import { contract } from './contract.mjs';
import { mint } from './tokens.mjs';
import { uniqueId } from './world.mjs';

// PreflightError carries the exit code of the contract (unreachable or usage).
export class PreflightError extends Error {
  constructor(message, exitCode) {
    super(message);
    this.exitCode = exitCode;
  }
}

export async function preflight(target) {
  const c = await contract();
  const exit = c.binding.exitCodes;
  const path = c.binding.transport.path;
  const url = `${target.url}${path}?EIO=4&transport=polling`;
  let res;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  } catch (err) {
    throw new PreflightError(`TARGET ${target.url} is unreachable: GET ${url}: ${err.cause?.message ?? err.message}`, exit.unreachable);
  }
  const body = await res.text();
  if (res.status !== 200 || !body.startsWith('0{')) {
    throw new PreflightError(`TARGET ${target.url} does not answer an Engine.IO v4 handshake at ${path}: HTTP ${res.status} ${body.slice(0, 200)}`, exit.unreachable);
  }
  const ns = c.connectable()[0];
  const user = { sub: uniqueId(ns.roles[0]), role: ns.roles[0], tenantId: uniqueId('t'), workspaceId: uniqueId('w') };
  const token = await mint(target.secret, user);
  const data = await new Promise((resolve) => {
    const s = io(target.url + ns.name, { forceNew: true, auth: { token }, transports: ['websocket'], reconnection: false, timeout: 5_000 });
    s.once('connect', () => { s.disconnect(); resolve(null); });
    s.once('connect_error', (err) => { s.close(); resolve({ message: err.message, data: err.data }); });
  });
  if (data) {
    const why = data.data?.code === 'AUTHENTICATION_FAILED' ? ': is JWT_SECRET the target\'s HS256 secret?' : '';
    throw new PreflightError(`TARGET ${target.url} refused a token minted with JWT_SECRET on ${ns.name}: ${data.message} ${JSON.stringify(data.data ?? null)}${why}`, exit.usage);
  }
}
