#!/usr/bin/env node
// run.mjs runs every interop test (node --test, one file at a time) and writes
// reports/interop/: report.md (the compatibility matrix and every failure),
// summary.json, junit.xml for CI, browser.png. Extra arguments go to node --test
// (files of test/, --test-name-pattern=..., in any order). `make interop` builds
// the binaries it needs first.
//
// Exit codes (the contract's): 0 every test that ran passed; 1 a test failed;
// 2 a usage error (a bad INTEROP_CLIENTS, a pattern that selects no test, a
// TARGET that refuses JWT_SECRET); 3 TARGET unreachable.
import { spawn } from 'node:child_process';
import { rmSync, mkdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { interopDir, reportDir } from './lib/paths.mjs';

const exitCodes = { pass: 0, failed: 1, usage: 2, unreachable: 3 };

async function main(argv) {
  // The matrix variables are checked once, here, not in every test file.
  try {
    await import('./lib/clients.mjs');
  } catch (err) {
    console.error(`interop: ${err.message}`);
    return exitCodes.usage;
  }
  if (process.env.TARGET) {
    const { preflight } = await import('./lib/preflight.mjs');
    const { startTarget } = await import('./lib/target.mjs');
    try {
      await preflight(await startTarget());
    } catch (err) {
      console.error(`interop: ${err.message}`);
      return err.exitCode ?? exitCodes.usage;
    }
  }
  rmSync(reportDir, { recursive: true, force: true });
  mkdirSync(reportDir, { recursive: true });
  const options = argv.filter((a) => a.startsWith('-'));
  const files = argv.filter((a) => !a.startsWith('-'));
  const args = ['--test', '--test-concurrency=1', `--test-timeout=${process.env.INTEROP_TEST_TIMEOUT_MS || 180_000}`,
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=junit', `--test-reporter-destination=${path.join(reportDir, 'junit.xml')}`,
    `--test-reporter=${path.join(interopDir, 'lib', 'report-reporter.mjs')}`, '--test-reporter-destination=stdout',
    ...options, ...(files.length ? files : ['test/'])];
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: interopDir, stdio: 'inherit' });
    child.on('exit', (c, signal) => resolve(c ?? (signal ? exitCodes.failed : 0)));
  });
  const md = path.join(reportDir, 'report.md');
  if (existsSync(md)) {
    // The matrix, for the log: the report's first sections.
    const text = readFileSync(md, 'utf8');
    const cut = text.indexOf('\n## Headless');
    console.log(`\n${(cut > 0 ? text.slice(0, cut) : text).trim()}\n`);
  }
  let summary = {};
  try { summary = JSON.parse(readFileSync(path.join(reportDir, 'summary.json'), 'utf8')); } catch { /* no summary: the run broke */ }
  const outputs = ['report.md', 'junit.xml', 'summary.json', ...(existsSync(path.join(reportDir, 'browser.png')) ? ['browser.png'] : [])];
  const where = `reports in ${path.relative(process.cwd(), reportDir) || reportDir}/ (${outputs.join(', ')})`;
  if (code === 0 && !(summary.passed > 0)) {
    console.log(`interop: FAIL: no test ran (${summary.skipped ?? 0} skipped): check the file names and --test-name-pattern; ${where}`);
    return exitCodes.usage;
  }
  console.log(`interop: ${code === 0 ? 'PASS' : 'FAIL'}${summary.skipped ? ` (${summary.skipped} skipped, see report.md)` : ''}; ${where}`);
  return code === 0 ? exitCodes.pass : exitCodes.failed;
}

process.exitCode = await main(process.argv.slice(2));
