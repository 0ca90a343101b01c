#!/usr/bin/env node
// docs.mjs renders the realtime contract (spec/utalk-rt.asyncapi.yaml) as
// human-readable HTML with the AsyncAPI generator (@asyncapi/generator) and
// its HTML template (@asyncapi/html-template), both pinned in
// interop/package.json and used from interop/node_modules: nothing is
// fetched. The template's singleFile=true parameter inlines its scripts and
// styles, so the result is one self-contained index.html that opens from
// disk with no network.
//
// Usage:
//   node interop/asyncapi/docs.mjs [--out DIR] [document]
//       write DIR/index.html (default DIR: docs/asyncapi)
//   node interop/asyncapi/docs.mjs --check [--out DIR] [document]
//       regenerate into a temporary folder and compare with DIR
//
// document defaults to spec/utalk-rt.asyncapi.yaml. The output is
// deterministic (the same document and packages give the same bytes), which
// is why docs/asyncapi/index.html is committed and `--check` can tell a stale
// copy.
//
// Exit codes:
//   0  written, or (--check) up to date
//   1  the generator failed (e.g. the document has errors), or (--check) DIR is stale
//   2  usage error, the document cannot be read, or the generator or template is not installed
//
// Note: generator 2.x transpiles a React template before rendering it, into
// the template's own folder (interop/node_modules/@asyncapi/html-template/
// __transpiled); the copy the package ships cannot be used as is, since it
// requires React by an absolute path on the publisher's build machine.
import { access, copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { formatDiagnostic, repoRoot } from './check.mjs';
import { bindingMarkdown } from './binding-md.mjs';

export const defaultDocument = path.join(repoRoot, 'spec', 'utalk-rt.asyncapi.yaml');
export const defaultOutDir = path.join(repoRoot, 'docs', 'asyncapi');

// The template parameters. singleFile inlines asyncapi-ui.min.js and the CSS;
// pdf stays off (it is the only use of puppeteer, in the template's
// generate:after hook).
export const templateParams = Object.freeze({ singleFile: 'true', outFilename: 'index.html' });

const usage = `usage: node interop/asyncapi/docs.mjs [--check] [--out DIR] [document]
  write DIR/index.html from document (defaults: DIR docs/asyncapi, document spec/utalk-rt.asyncapi.yaml);
  --check regenerates into a temporary folder and exits 1 when DIR differs`;

class UsageError extends Error {}

// SetupError: the document or the packages are missing (exit code 2).
export class SetupError extends Error {}

const require = createRequire(import.meta.url);

// templateDir is the installed @asyncapi/html-template. An absolute path makes
// the generator use that folder as the template (no npm install, no network;
// a bare package name would also resolve from node_modules when install is false).
export function templateDir() {
  try {
    return path.dirname(require.resolve('@asyncapi/html-template/package.json'));
  } catch (err) {
    throw new SetupError(`@asyncapi/html-template is not installed (${err.message}); run npm ci --prefix interop`);
  }
}

function loadGenerator() {
  try {
    return require('@asyncapi/generator');
  } catch (err) {
    throw new SetupError(`cannot load @asyncapi/generator (${err.message}); run npm ci --prefix interop`);
  }
}

function rel(p) {
  return path.relative(process.cwd(), p) || '.';
}

// Babel prints a note each time it transpiles the template's 2.5 MB bundle,
// which says nothing about the result; and the generator prints every
// diagnostic of a document that does not parse as "Diagnostic err", infos
// included, which describeFailure prints again with its severity.
async function quietGenerator(fn) {
  const warn = console.warn;
  const error = console.error;
  const keep = (orig) => (...args) => {
    if (typeof args[0] === 'string' && /^(\[BABEL\] Note:|Diagnostic err: )/.test(args[0])) return;
    orig(...args);
  };
  console.warn = keep(warn);
  console.error = keep(error);
  try {
    return await fn();
  } finally {
    console.warn = warn;
    console.error = error;
  }
}

/**
 * generateDocs renders document into outDir (created if missing; files the
 * template writes are overwritten, others are left alone).
 *
 * @param {string} document path of the AsyncAPI file
 * @param {string} outDir destination folder
 * @returns {Promise<string[]>} the generated files, relative to outDir, sorted
 * @throws {SetupError} document unreadable, generator or template missing
 * @throws {Error} the generator's own error, with `diagnostics` when the document did not parse
 */
export async function generateDocs(document, outDir) {
  const doc = path.resolve(document);
  try {
    await access(doc);
  } catch (err) {
    throw new SetupError(`read ${rel(doc)}: ${err.message}`);
  }
  const Generator = loadGenerator();
  const template = templateDir();
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'asyncapi-docs-'));
  try {
    // forceWrite skips the generator's checks of its target (git status of the
    // work tree around it, emptiness): it is a fresh temporary folder.
    // The template does not render the root x-socketio: render a copy whose
    // info.description ends with it as Markdown (binding-md.mjs).
    const source = path.join(tmp, 'source', path.basename(doc));
    await mkdir(path.dirname(source), { recursive: true });
    await writeFile(source, await withBindingSection(doc));
    const outTmp = path.join(tmp, 'out');
    const generator = new Generator(template, outTmp, {
      templateParams: { ...templateParams },
      forceWrite: true,
      install: false,
    });
    await quietGenerator(() => generator.generateFromFile(source));
    const files = await listFiles(outTmp);
    if (files.length === 0) throw new Error('the generator wrote no file');
    for (const f of files) {
      await mkdir(path.dirname(path.join(outDir, f)), { recursive: true });
      await copyFile(path.join(outTmp, f), path.join(outDir, f));
    }
    return files;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

// withBindingSection returns the document's text with the root x-socketio
// appended to info.description as Markdown (unchanged when there is none). The
// copy keeps YAML, and a document that does not parse as YAML is passed as it is,
// so the generator reports its own error about it.
async function withBindingSection(doc) {
  const text = await readFile(doc, 'utf8');
  let d;
  try {
    d = yaml.load(text);
  } catch {
    return text;
  }
  if (!d || typeof d !== 'object' || !d['x-socketio'] || !d.info) return text;
  d.info.description = `${d.info.description ?? ''}\n${bindingMarkdown(d['x-socketio'], d.components?.messages)}\n`;
  return yaml.dump(d, { lineWidth: -1, noRefs: true });
}

// listFiles returns the regular files under dir, relative to it, sorted; [] when dir is missing.
export async function listFiles(dir) {
  const out = [];
  async function walk(sub) {
    let entries;
    try {
      entries = await readdir(path.join(dir, sub), { withFileTypes: true });
    } catch (err) {
      if (err.code === 'ENOENT' && sub === '') return;
      throw err;
    }
    for (const e of entries) {
      const p = path.join(sub, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(p);
    }
  }
  await walk('');
  return out.sort();
}

function firstDifference(a, b) {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  let line = 1;
  for (let j = 0; j < i; j++) if (a[j] === 0x0a) line++;
  return { offset: i, line };
}

/**
 * compareDirs compares the files of a fresh generation (generated) with the
 * committed ones (committed).
 *
 * @returns {Promise<string[]>} one line per problem; [] when they are the same
 */
export async function compareDirs(generated, committed) {
  const problems = [];
  const want = await listFiles(generated);
  const have = await listFiles(committed);
  for (const f of want) {
    const c = path.join(committed, f);
    if (!have.includes(f)) {
      problems.push(`${rel(c)} is missing`);
      continue;
    }
    const [a, b] = await Promise.all([readFile(path.join(generated, f)), readFile(c)]);
    if (!a.equals(b)) {
      const d = firstDifference(a, b);
      problems.push(`${rel(c)} differs (committed ${b.length} bytes, generated ${a.length} bytes; first difference at byte ${d.offset}, line ${d.line})`);
    }
  }
  for (const f of have) {
    if (!want.includes(f)) problems.push(`${rel(path.join(committed, f))} is not generated any more: delete it`);
  }
  return problems;
}

/**
 * checkDocs regenerates document into a temporary folder and compares it with outDir.
 *
 * @returns {Promise<string[]>} the problems, [] when outDir is up to date
 */
export async function checkDocs(document, outDir) {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'asyncapi-docs-check-'));
  try {
    await generateDocs(document, tmp);
    return await compareDirs(tmp, outDir);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

function parseArgs(argv) {
  const opts = { check: false, out: defaultOutDir, document: defaultDocument, help: false };
  let positional = 0;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') opts.help = true;
    else if (a === '--check') opts.check = true;
    else if (a === '--out' || a === '-o') {
      if (i + 1 >= argv.length || argv[i + 1] === '') throw new UsageError(`${a} needs a folder`);
      opts.out = path.resolve(argv[++i]);
    } else if (a.startsWith('--out=')) {
      const v = a.slice('--out='.length);
      if (!v) throw new UsageError('--out needs a folder');
      opts.out = path.resolve(v);
    } else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else {
      if (positional++ > 0) throw new UsageError(`one document only (got ${a} too)`);
      opts.document = path.resolve(a);
    }
  }
  return opts;
}

function describeFailure(document, err) {
  const lines = [`docs: ${rel(document)}: the AsyncAPI generator failed: ${err.message}`];
  if (Array.isArray(err.diagnostics)) {
    for (const d of err.diagnostics) lines.push(`  ${formatDiagnostic(d)}`);
  }
  return lines.join('\n');
}

async function main(argv) {
  let opts;
  try {
    opts = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`docs: ${err.message}\n${usage}`);
      return 2;
    }
    throw err;
  }
  if (opts.help) {
    console.log(usage);
    return 0;
  }

  const started = process.hrtime.bigint();
  const seconds = () => (Number(process.hrtime.bigint() - started) / 1e9).toFixed(1);
  try {
    if (opts.check) {
      const problems = await checkDocs(opts.document, opts.out);
      if (problems.length > 0) {
        console.error(`${rel(opts.out)} is stale: run make docs`);
        for (const p of problems) console.error(`  ${p}`);
        return 1;
      }
      console.log(`ok ${rel(opts.out)} is up to date with ${rel(opts.document)} (${seconds()} s)`);
      return 0;
    }
    const files = await generateDocs(opts.document, opts.out);
    for (const f of files) {
      const { size } = await stat(path.join(opts.out, f));
      console.log(`wrote ${rel(path.join(opts.out, f))} (${(size / 1e6).toFixed(1)} MB) from ${rel(opts.document)} in ${seconds()} s`);
    }
    return 0;
  } catch (err) {
    if (err instanceof SetupError) {
      console.error(`docs: ${err.message}`);
      return 2;
    }
    console.error(describeFailure(opts.document, err));
    if (process.env.DEBUG) console.error(err.stack);
    return 1;
  }
}

// Run only as a command, so the test can import the functions.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2)).catch((err) => {
    console.error(`docs: ${err.stack ?? err}`);
    return 2;
  });
}
