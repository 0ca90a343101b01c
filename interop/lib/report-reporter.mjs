// A node:test reporter that writes the interop report a person reads
// (reports/interop/report.md) and summary.json beside it, and prints where:
// the client x transport compatibility matrix, the browser, AsyncAPI and
// negative-control results, every failure with its message, and which server
// events of the contract real clients received.
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { reportDir } from './paths.mjs';
import { contract } from './contract.mjs';

const matrixRe = /^socket\.io-client@(\S+) (\S+)$/;

export default async function* report(source) {
  // Loaded now, not at the end: the runner (--test-force-exit) does not wait long
  // once the last test ended, so the end only renders and writes, synchronously.
  const c = await contract();
  const stacks = new Map(); // file -> names by nesting
  const results = [];
  const diagnostics = [];
  const started = Date.now();
  for await (const { type, data } of source) {
    if (type === 'test:start') {
      const st = stacks.get(data.file) ?? [];
      st[data.nesting] = data.name;
      st.length = data.nesting + 1;
      stacks.set(data.file, st);
    } else if ((type === 'test:pass' || type === 'test:fail') && data.details?.type !== 'suite') {
      const st = stacks.get(data.file) ?? [];
      const suite = data.nesting > 0 ? st[data.nesting - 1] : '';
      const skipped = data.skip !== undefined && data.skip !== false;
      const skipReason = typeof data.skip === 'string' ? data.skip : '';
      const err = data.details?.error;
      const cause = err?.cause?.cause ?? err?.cause ?? err;
      const message = err ? String(cause?.message ?? cause).slice(0, 1500) : '';
      results.push({ file: path.basename(data.file ?? '').replace(/\.test\.mjs$/, ''), suite, name: data.name, ok: type === 'test:pass', skipped, skipReason, ms: Math.round(data.details?.duration_ms ?? 0), message });
    } else if (type === 'test:diagnostic' && !/^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) /.test(data.message)) {
      diagnostics.push(data.message);
    }
  }
  const md = render(c, results, diagnostics, Date.now() - started);
  writeFileSync(path.join(reportDir, 'report.md'), md);
  yield `interop report: ${path.join(reportDir, 'report.md')}\n`;
}

function cell(rs) {
  if (rs.length === 0) return '–';
  const pass = rs.filter((r) => r.ok && !r.skipped).length;
  const skipped = rs.filter((r) => r.skipped).length;
  const fail = rs.filter((r) => !r.ok).length;
  return `${fail ? 'FAIL' : 'ok'} ${pass}/${rs.length - skipped}${skipped ? ` (${skipped} skipped)` : ''}`;
}

function seenEvents() {
  const dir = path.join(reportDir, 'seen');
  const seen = new Map();
  let files = [];
  try { files = readdirSync(dir).filter((f) => f.endsWith('.json')); } catch { return seen; }
  for (const f of files) {
    for (const [k, n] of Object.entries(JSON.parse(readFileSync(path.join(dir, f), 'utf8')))) seen.set(k, (seen.get(k) ?? 0) + n);
  }
  return seen;
}

function render(c, results, diagnostics, ms) {
  const fail = results.filter((r) => !r.ok);
  const skipped = results.filter((r) => r.skipped);
  const lines = [];
  lines.push('# Interoperability: the official JavaScript tools against the UTalk realtime contract', '');
  lines.push(`${fail.length ? '**FAIL**' : '**PASS**'}: ${results.length} tests, ${results.length - fail.length - skipped.length} passed, ${fail.length} failed, ${skipped.length} skipped, in ${(ms / 1000).toFixed(1)} s.`);
  lines.push(`Server under test: ${process.env.TARGET || 'the reference server (bin/rtconform serve), one per test file'}.`, '');
  if (diagnostics.length) lines.push(...[...new Set(diagnostics)].map((d) => `- ${d}`), '');

  const matrix = results.filter((r) => matrixRe.test(r.suite));
  const versions = [...new Set(matrix.map((r) => matrixRe.exec(r.suite)[1]))];
  const transports = [...new Set(matrix.map((r) => matrixRe.exec(r.suite)[2]))];
  const files = [...new Set(matrix.map((r) => r.file))];
  if (matrix.length) {
    lines.push('## socket.io-client under Node: versions x transports', '');
    lines.push('Each cell: the handshake, event, correlation and reconnect tests of that client version over that transport (upgrade: long-polling first, then WebSocket, the client default).', '');
    lines.push(`| client | ${transports.join(' | ')} |`, `|---|${transports.map(() => '---').join('|')}|`);
    for (const v of versions) {
      lines.push(`| socket.io-client@${v} | ${transports.map((t) => cell(matrix.filter((r) => r.suite === `socket.io-client@${v} ${t}`))).join(' | ')} |`);
    }
    lines.push('', `| test file | ${transports.join(' | ')} |`, `|---|${transports.map(() => '---').join('|')}|`);
    for (const f of files) {
      lines.push(`| ${f} | ${transports.map((t) => cell(matrix.filter((r) => r.file === f && r.suite.endsWith(` ${t}`)))).join(' | ')} |`);
    }
    lines.push('');
  }
  for (const [file, title] of [['browser', 'Headless Chromium (the client bundle on a page of its own origin)'], ['asyncapi', 'AsyncAPI: the official parser and the HTML documentation'], ['negative-controls', 'Negative controls (a broken server each must reject)']]) {
    const rs = results.filter((r) => r.file === file);
    if (!rs.length) continue;
    lines.push(`## ${title}`, '', '| test | result | ms |', '|---|---|---|');
    for (const r of rs) lines.push(`| ${r.name} | ${r.skipped ? 'skipped' : r.ok ? 'ok' : 'FAIL'} | ${r.ms} |`);
    lines.push('');
  }
  const reasons = [...new Set(skipped.filter((r) => r.skipReason && !/does not match pattern/.test(r.skipReason)).map((r) => r.skipReason))];
  if (reasons.length) {
    lines.push('## Skipped, and why', '', ...reasons.map((why) => `- ${why} (${skipped.filter((r) => r.skipReason === why).length} tests)`), '');
  }
  if (fail.length) {
    lines.push('## Failures', '');
    for (const r of fail) lines.push(`### ${r.file}: ${r.suite ? `${r.suite} > ` : ''}${r.name}`, '', '```', r.message, '```', '');
  }
  const seen = seenEvents();
  if (seen.size) {
    lines.push('## Server events received and validated', '');
    lines.push('Every event a client received was checked against the contract (name in its namespace, one argument, the payload schema). Count per namespace:', '');
    lines.push('| namespace | event | received |', '|---|---|---|');
    const never = [];
    for (const ns of c.namespaces) {
      for (const e of ns.serverEvents) {
        const n = seen.get(`${ns.name} ${e.name}`) ?? 0;
        if (n) lines.push(`| ${ns.name} | ${e.name} | ${n} |`);
        else never.push(`${ns.name} ${e.name}`);
      }
    }
    lines.push('', `Not received by these tests (the Go conformance suite covers them): ${never.join(', ') || 'none'}.`, '');
  }
  const md = lines.join('\n');
  mkdirSync(reportDir, { recursive: true });
  writeFileSync(path.join(reportDir, 'summary.json'), JSON.stringify({ pass: fail.length === 0, tests: results.length, passed: results.length - fail.length - skipped.length, failed: fail.length, skipped: skipped.length, durationMs: ms, diagnostics, results }, null, 1));
  return `${md}\n`;
}
