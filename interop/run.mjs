#!/usr/bin/env node
// run.mjs runs every interop test (node --test, one file at a time) and writes
// reports/interop/: report.md (the compatibility matrix and every failure),
// summary.json, junit.xml for CI, browser.png. Its exit code is node --test's:
// 0 when everything passed. Extra arguments go to node --test (a file, or
// --test-name-pattern=...). `make interop` builds the binaries it needs first.
import { spawn } from 'node:child_process';
import { rmSync, mkdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { interopDir, reportDir } from './lib/paths.mjs';

rmSync(reportDir, { recursive: true, force: true });
mkdirSync(reportDir, { recursive: true });
const extra = process.argv.slice(2);
const files = extra.some((a) => !a.startsWith('-')) ? [] : ['test/'];
const args = ['--test', '--test-concurrency=1',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=junit', `--test-reporter-destination=${path.join(reportDir, 'junit.xml')}`,
  `--test-reporter=${path.join(interopDir, 'lib', 'report-reporter.mjs')}`, `--test-reporter-destination=${path.join(reportDir, 'report.md')}`,
  ...extra, ...files];
const child = spawn(process.execPath, args, { cwd: interopDir, stdio: 'inherit' });
child.on('exit', (code, signal) => {
  const md = path.join(reportDir, 'report.md');
  if (existsSync(md)) {
    // The matrix, for the log: the report's first sections.
    const text = readFileSync(md, 'utf8');
    const cut = text.indexOf('\n## Headless');
    console.log(`\n${(cut > 0 ? text.slice(0, cut) : text).trim()}\n`);
  }
  console.log(`interop: ${code === 0 ? 'PASS' : 'FAIL'}; reports in ${path.relative(process.cwd(), reportDir) || reportDir}/ (report.md, junit.xml, summary.json, browser.png)`);
  process.exit(code ?? (signal ? 1 : 0));
});
