// The matrix of official clients and transports the Node-side tests run over.
// Every socket.io-client version is installed side by side (npm aliases in
// package.json); INTEROP_CLIENTS (comma-separated versions, e.g. 4.8 or 4.7.5) and
// INTEROP_TRANSPORTS (websocket,polling,upgrade) narrow the matrix.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { interopDir } from './paths.mjs';

const packages = ['socket.io-client', 'socket.io-client-4.7', 'socket.io-client-4.6', 'socket.io-client-4.5', 'socket.io-client-4.4'];

// transports: what the client is told, and the transport the engine must end on.
const allTransports = [
  { label: 'websocket', opts: { transports: ['websocket'] }, final: 'websocket' },
  { label: 'polling', opts: { transports: ['polling'] }, final: 'polling' },
  // The client default: HTTP long-polling first, then the upgrade to WebSocket.
  { label: 'upgrade', opts: { transports: ['polling', 'websocket'], upgrade: true }, final: 'websocket' },
];

function version(pkg) {
  const file = path.join(interopDir, 'node_modules', pkg, 'package.json');
  return JSON.parse(readFileSync(file, 'utf8')).version;
}

// wanted keeps the items of all that a comma-separated list in envName names;
// an entry matches a name exactly, or a version by its leading components
// ("4.8" matches 4.8.4, not 4.4.8).
function wanted(envName, all, names) {
  const list = (process.env[envName] || '').split(',').map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) return all;
  const hit = (x, w) => names(x).some((n) => n === w || n.startsWith(`${w}.`));
  const unknown = list.filter((w) => !all.some((x) => hit(x, w)));
  if (unknown.length) {
    throw new Error(`${envName}=${process.env[envName]}: ${unknown.join(', ')} matches none of: ${all.map((x) => names(x)[0]).join(', ')}`);
  }
  return all.filter((x) => list.some((w) => hit(x, w)));
}

// clients lists {pkg, version, label, load()}; load imports the module.
export const clients = wanted('INTEROP_CLIENTS', packages.map((pkg) => {
  const v = version(pkg);
  return { pkg, version: v, label: `socket.io-client@${v}`, load: () => import(pkg) };
}), (c) => [c.version, c.pkg, c.label]);

export const transports = wanted('INTEROP_TRANSPORTS', allTransports, (t) => [t.label]);

// matrix lists every {client, transport} pair.
export const matrix = clients.flatMap((client) => transports.map((transport) => ({ client, transport, label: `${client.label} ${transport.label}` })));

// engineTransport resolves with the name of the transport the socket's engine
// settles on: the final one at once, or after the upgrade.
export function settledTransport(socket, want, ms = 10_000) {
  const engine = socket.io.engine;
  if (!engine || engine.transport.name === want) return Promise.resolve(engine?.transport.name);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(engine.transport.name), ms);
    engine.once('upgrade', (t) => { clearTimeout(timer); resolve(t.name); });
  });
}
