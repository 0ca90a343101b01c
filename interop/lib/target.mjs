// The server under test: the reference server started from the CLI on a free
// loopback port (the default), or any implementation named by TARGET with its
// JWT_SECRET (and CONTROL_URL / CONTROL_TOKEN for the specs that need it).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rtconformBin, contractFile } from './paths.mjs';

const startTimeoutMs = 30_000;

// startTarget returns {url, secret, controlUrl, controlToken, external, stop()}.
// corsOrigins are the browser origins the reference server allows with credentials.
export async function startTarget({ corsOrigins = [] } = {}) {
  if (process.env.TARGET) {
    if (!process.env.JWT_SECRET) throw new Error('TARGET is set but JWT_SECRET is not: the tests mint a token per user with it');
    return {
      url: process.env.TARGET.replace(/\/+$/, ''),
      secret: process.env.JWT_SECRET,
      controlUrl: (process.env.CONTROL_URL || '').replace(/\/+$/, ''),
      controlToken: process.env.CONTROL_TOKEN || '',
      external: true,
      stop: async () => {},
    };
  }
  if (!existsSync(rtconformBin)) {
    throw new Error(`${rtconformBin} is missing: run \`make build\` (make interop builds it), or set RTCONFORM_BIN`);
  }
  const secret = randomBytes(24).toString('hex');
  const controlToken = randomBytes(12).toString('hex');
  // INTEROP_SERVER_CONTRACT makes the server speak another contract than the tests
  // (a negative control); RTCONFORM_MUTATIONS switches on reference mutations (a
  // binary built with -tags negativecontrols).
  const args = ['serve', '--addr', '127.0.0.1:0', '--contract', process.env.INTEROP_SERVER_CONTRACT || contractFile,
    '--cors-origin', corsOrigins.length ? corsOrigins.join(',') : 'http://localhost:3000',
    // The simulated WhatsApp channel answers fast, so delivery and read receipts arrive within a test.
    '--delivered-delay', '20ms', '--read-delay', '40ms'];
  if (process.env.RTCONFORM_MUTATIONS) args.push('--mutation', process.env.RTCONFORM_MUTATIONS);
  const child = spawn(rtconformBin, args, {
    env: { ...process.env, JWT_SECRET: secret, CONTROL_TOKEN: controlToken, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (b) => { stderr = (stderr + b).slice(-4000); });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`reference server did not start in ${startTimeoutMs} ms:\n${stderr}`)), startTimeoutMs);
    child.stdout.on('data', (b) => {
      out += b;
      const m = /reference server on (http:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`reference server exited (${code ?? signal}) before listening:\n${stderr}`)); });
  });
  return {
    url,
    secret,
    controlUrl: url,
    controlToken,
    external: false,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const { code, signal } = await exited;
      if (code !== 0 && signal !== 'SIGTERM') throw new Error(`reference server exited with ${code ?? signal}:\n${stderr}`);
    },
  };
}

// control calls an operation of the control surface (spec/utalk-control.openapi.yaml)
// and returns its JSON answer; a non-2xx answer is an error naming the status and body.
export async function control(target, path, body = {}) {
  if (!target.controlUrl) throw new Error(`no CONTROL_URL: ${path} needs the control surface`);
  const headers = { 'content-type': 'application/json' };
  if (target.controlToken) headers.authorization = `Bearer ${target.controlToken}`;
  const res = await fetch(target.controlUrl + path, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : {};
}
