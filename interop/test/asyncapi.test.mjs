// The AsyncAPI documents pass the official parser (@asyncapi/parser), and
// docs/asyncapi/index.html is what the AsyncAPI generator makes of the
// contract today. Each check has a negative control that shows it can fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { checkDocument, formatDiagnostic, severityName } from '../asyncapi/check.mjs';
import { compareDirs } from '../asyncapi/docs.mjs';

const run = promisify(execFile);

// interop/ is one level below the repository root.
const interopDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(interopDir, '..');
const contract = path.join(repoRoot, 'spec', 'utalk-rt.asyncapi.yaml');
const variant = path.join(repoRoot, 'spec', 'testdata', 'variant-hyphenated.asyncapi.yaml');
const validateCli = path.join(interopDir, 'asyncapi', 'validate.mjs');
const docsCli = path.join(interopDir, 'asyncapi', 'docs.mjs');
const docsDir = path.join(repoRoot, 'docs', 'asyncapi');

function errorsOf(result) {
  return result.diagnostics.filter((d) => severityName(d.severity) === 'error').map(formatDiagnostic);
}

async function withTempDir(fn) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'asyncapi-test-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// runCli runs a node script and returns its exit code and output, whatever the code.
async function runCli(script, args, timeout = 120_000) {
  try {
    const { stdout, stderr } = await run(process.execPath, [script, ...args], { cwd: repoRoot, timeout, maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    if (typeof err.code !== 'number') throw err;
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

for (const file of [contract, variant]) {
  test(`the official parser reports no error for ${path.relative(repoRoot, file)}`, async () => {
    const r = await checkDocument(file);
    assert.deepEqual(errorsOf(r), [], `${r.errors} error diagnostics`);
    assert.equal(r.errors, 0);
    assert.equal(r.version, '3.0.0');
    assert.ok(r.ok);
  });
}

test('negative control: an operation whose channel $ref points nowhere is an error', async () => {
  const text = await readFile(contract, 'utf8');
  const from = "channel: {$ref: '#/channels/app'}";
  assert.ok(text.includes(from), `the contract no longer has ${from}: update this control`);
  const broken = text.replace(from, "channel: {$ref: '#/channels/nowhere'}");
  await withTempDir(async (dir) => {
    const file = path.join(dir, 'dangling-channel.asyncapi.yaml');
    await writeFile(file, broken);
    const r = await checkDocument(file);
    assert.ok(r.errors >= 1, `expected an error diagnostic, got:\n${r.diagnostics.map(formatDiagnostic).join('\n')}`);
    assert.equal(r.ok, false);
  });
});

test('negative control: a 3.0.0 document without info is an error', async () => {
  await withTempDir(async (dir) => {
    const file = path.join(dir, 'no-info.asyncapi.yaml');
    await writeFile(file, 'asyncapi: 3.0.0\nchannels: {}\n');
    const r = await checkDocument(file);
    assert.ok(r.errors >= 1, 'expected an error diagnostic');
    assert.ok(errorsOf(r).some((line) => line.includes('"info"')), errorsOf(r).join('\n'));
  });
});

test('validate.mjs exits 0 on the documents, 1 on a broken one, 2 on a missing one', async () => {
  await withTempDir(async (dir) => {
    const broken = path.join(dir, 'no-info.asyncapi.yaml');
    await writeFile(broken, 'asyncapi: 3.0.0\nchannels: {}\n');

    let r = await runCli(validateCli, [contract, variant]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^ok spec\/utalk-rt\.asyncapi\.yaml: AsyncAPI 3\.0\.0, 0 errors/m);
    assert.match(r.stdout, /^ok spec\/testdata\/variant-hyphenated\.asyncapi\.yaml: /m);

    // Every file is checked: the good one is still reported ok.
    r = await runCli(validateCli, [contract, broken]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^error +\(document\) \[1:1\]: .*"info".* \(asyncapi-document-resolved\)$/m);
    assert.match(r.stdout, /^FAIL .*no-info\.asyncapi\.yaml: 1 errors/m);
    assert.match(r.stdout, /^ok spec\/utalk-rt\.asyncapi\.yaml/m);

    r = await runCli(validateCli, [path.join(dir, 'missing.yaml')]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /missing\.yaml/);

    r = await runCli(validateCli, []);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^usage:/);
  });
});

test('docs/asyncapi/index.html is one self-contained page naming every event', async () => {
  const html = await readFile(path.join(docsDir, 'index.html'), 'utf8');
  const { document } = await checkDocument(contract);
  const names = document.allMessages().all().map((m) => m.name());
  assert.ok(names.length >= 42, `only ${names.length} messages`);
  for (const name of ['message:send', 'message:sent', 'message:error', 'message:new', 'sync:state', 'state:synced']) {
    assert.ok(names.includes(name), `${name} is not an event of the contract`);
  }
  const missing = names.filter((n) => !html.includes(`>${n}<`));
  assert.deepEqual(missing, [], 'events the page does not show');
  // singleFile: scripts and styles are inline, nothing is loaded from elsewhere.
  assert.doesNotMatch(html, /<script[^>]+\bsrc=/);
  assert.doesNotMatch(html, /<link[^>]+rel="stylesheet"/);
  assert.match(html, /AsyncApiStandalone\.render/);
});

test('docs/asyncapi/index.html shows the document-level Socket.IO binding', async () => {
  const html = await readFile(path.join(docsDir, 'index.html'), 'utf8');
  const { document } = await checkDocument(contract);
  const x = document.json()['x-socketio'];
  for (const heading of ['Socket.IO binding', 'Handshake', 'Checks on every client event', 'Rate limits', 'Error codes', 'Behaviour clauses']) {
    assert.ok(html.includes(heading), `the page has no "${heading}" section`);
  }
  const missing = [...Object.keys(x.errorCodes), ...x.clauses.map((c) => c.id)].filter((k) => !html.includes(k));
  assert.deepEqual(missing, [], 'error codes and clause ids the page does not show');
});

test('docs/asyncapi is up to date (docs.mjs --check)', { timeout: 300_000 }, async () => {
  const r = await runCli(docsCli, ['--check'], 280_000);
  assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /^ok docs\/asyncapi is up to date/m);
});

test('negative control: the comparison of docs --check sees a changed, a missing and an extra file', async () => {
  await withTempDir(async (dir) => {
    const copy = path.join(dir, 'asyncapi');
    await cp(docsDir, copy, { recursive: true });
    assert.deepEqual(await compareDirs(docsDir, copy), []);

    const page = path.join(copy, 'index.html');
    const html = await readFile(page, 'utf8');
    await writeFile(page, html.replace('message:send', 'message-send'));
    let problems = await compareDirs(docsDir, copy);
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0], /index\.html differs .*first difference at byte \d+, line \d+/);

    await writeFile(path.join(copy, 'old.css'), '');
    await rm(page);
    problems = await compareDirs(docsDir, copy);
    assert.equal(problems.length, 2, problems.join('\n'));
    assert.match(problems[0], /index\.html is missing/);
    assert.match(problems[1], /old\.css is not generated any more/);
  });
});
