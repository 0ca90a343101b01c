// Negative controls: the interop tests must fail against a server that breaks the
// contract. Each case runs one test file of this folder in a child `node --test`
// against a deliberately broken reference (a mutation of the negativecontrols build,
// or a server speaking another contract) and expects the named tests to fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { interopDir, negativeBin, repoRoot } from '../lib/paths.mjs';

const cases = [
  // because: what the failure output must say, so a case cannot pass by failing for another reason.
  { mutation: 'no-dedup', file: 'events', fails: ['delivers message and typing broadcasts to another member, and dedups a retry'], because: /msg_[0-9a-f]+'\s+- 'msg_/ },
  { mutation: 'uncorrelated-replies', file: 'events', fails: ['matches concurrent replies by their correlation field'], because: /acknowledged with .* but no .* event carrying/ },
  { mutation: 'wrong-error-code', file: 'events', fails: ['refuses an unknown event and a bad payload with the contract error codes'], because: /'INVALID_EVENT'\s+- 'VALIDATION_ERROR'/ },
  {
    mutation: 'accept-expired', file: 'handshake', pattern: 'refuses a missing',
    fails: ['refuses a missing, forged, unsigned or expired token'], because: /connected, expected a refusal/,
  },
  {
    mutation: 'sync-drops-last', file: 'reconnect', pattern: 'client-side drop',
    fails: ['recovers the messages missed during a client-side drop'], because: /sync:state returns exactly the missed messages/,
  },
  {
    contract: 'spec/testdata/variant-hyphenated.asyncapi.yaml', file: 'events', pattern: 'answers every client event',
    fails: ['answers every client event of every namespace, with a matching ack'], because: /is not a server event of this namespace in the contract|but no .* event carrying/,
  },
  {
    contract: 'spec/testdata/variant-hyphenated.asyncapi.yaml', file: 'handshake', pattern: 'connects with a valid token',
    fails: ['connects with a valid token on every namespace its role may use'], because: /is not a server event of this namespace in the contract/,
  },
];

const missing = !existsSync(negativeBin);
// Skipped only when asked to: a run without its negative controls proves less than it says.
const allowSkip = process.env.INTEROP_SKIP_NEGATIVE === '1';

// runChild runs test/<file>.test.mjs against the broken server and returns
// {code, failed, passed, out}: the names of the tests that failed and passed.
function runChild(c) {
  const env = { ...process.env, RTCONFORM_BIN: negativeBin, INTEROP_CLIENTS: '4.8', INTEROP_TRANSPORTS: 'websocket', INTEROP_REPORT_DIR: path.join(repoRoot, 'reports', 'interop', 'negative') };
  delete env.NODE_TEST_CONTEXT; // else the child talks the runner's internal protocol
  delete env.TARGET;
  if (c.mutation) env.RTCONFORM_MUTATIONS = c.mutation;
  if (c.contract) env.INTEROP_SERVER_CONTRACT = path.join(repoRoot, c.contract);
  const args = ['--test', '--test-reporter=tap'];
  if (c.pattern) args.push(`--test-name-pattern=${c.pattern}`);
  args.push(path.join(interopDir, 'test', `${c.file}.test.mjs`));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, cwd: interopDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b) => { out += b; });
    child.stderr.on('data', (b) => { out += b; });
    child.once('error', reject);
    child.once('exit', (code) => {
      const names = (re) => [...out.matchAll(re)].map((m) => m[1].replace(/ # SKIP.*$/, '').trim());
      resolve({ code, out, failed: names(/^\s+not ok \d+ - (.+)$/gm), passed: names(/^\s+ok \d+ - (.+)$/gm) });
    });
  });
}

for (const c of cases) {
  const what = c.mutation ? `mutation ${c.mutation}` : `a server speaking ${path.basename(c.contract)}`;
  test(`${c.file} tests reject ${what}`, { skip: missing && allowSkip ? `${negativeBin} is missing and INTEROP_SKIP_NEGATIVE=1` : false }, async () => {
    assert.ok(!missing, `${negativeBin} is missing: make interop builds it with -tags negativecontrols (INTEROP_SKIP_NEGATIVE=1 skips these)`);
    const r = await runChild(c);
    for (const name of c.fails) {
      assert.ok(r.failed.includes(name), `"${name}" did not fail against ${what}:\n${r.out.slice(-3000)}`);
    }
    assert.match(r.out, c.because, `the failures against ${what} are not the expected ones:\n${r.out.slice(-3000)}`);
    assert.notEqual(r.code, 0, `the child run exited 0 against ${what}`);
  });
}
