// The matrix of official clients and transports the Node-side tests run over.
// Every socket.io-client version is installed side by side (npm aliases in
// package.json); INTEROP_CLIENTS (comma-separated versions or package names) and
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

function wanted(envName, all, key) {
  const list = (process.env[envName] || '').split(',').map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) return all;
  const out = all.filter((x) => list.some((w) => key(x).includes(w)));
  if (out.length === 0) throw new Error(`${envName}=${process.env[envName]} matches none of: ${all.map(key).join(', ')}`);
  return out;
}

// clients lists {pkg, version, label, load()}; load imports the module.
export const clients = wanted('INTEROP_CLIENTS', packages.map((pkg) => {
  const v = version(pkg);
  return { pkg, version: v, label: `socket.io-client@${v}`, load: () => import(pkg) };
}), (c) => `${c.pkg} ${c.version}`);

export const transports = wanted('INTEROP_TRANSPORTS', allTransports, (t) => t.label);

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
