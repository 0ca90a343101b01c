#!/usr/bin/env node
// validate.mjs parses AsyncAPI documents with the official parser
// (@asyncapi/parser, pinned in interop/package.json) and prints every
// diagnostic it reports: severity, path inside the document, message,
// rule code and line:column, then one ok/FAIL line per file.
//
// Usage: node interop/asyncapi/validate.mjs <asyncapi-file>...
//
// Exit codes:
//   0  every document parsed and none has a diagnostic of severity "error";
//      warnings, infos and hints are printed but allowed (the parser's
//      built-in ruleset warns about style, e.g. a missing license or
//      operation description, and those must not fail the build)
//   1  some document has an error-severity diagnostic, or the parser gave no document
//   2  usage error, or a file could not be read (the other files are still checked)
import path from 'node:path';
import { checkDocument, formatDiagnostic, ReadError } from './check.mjs';

const usage = 'usage: node interop/asyncapi/validate.mjs <asyncapi-file>...';

function summary(r) {
  return `${r.errors} errors, ${r.warnings} warnings, ${r.infos} infos, ${r.hints} hints`;
}

async function validateOne(file) {
  let r;
  try {
    r = await checkDocument(file);
  } catch (err) {
    if (err instanceof ReadError) {
      console.error(`validate: ${err.message}`);
    } else {
      console.error(`validate: ${path.resolve(file)}: ${err.stack ?? err}`);
    }
    return 2;
  }
  for (const d of r.diagnostics) console.log(formatDiagnostic(d));
  const rel = path.relative(process.cwd(), r.file);
  if (!r.ok) {
    console.log(`FAIL ${rel}: ${summary(r)}`);
    return 1;
  }
  console.log(`ok ${rel}: AsyncAPI ${r.version}, ${summary(r)} (warnings allowed)`);
  return 0;
}

async function main(argv) {
  if (argv.length === 0) {
    console.error(usage);
    return 2;
  }
  if (argv.includes('-h') || argv.includes('--help')) {
    console.log(usage);
    return 0;
  }
  const unknown = argv.find((a) => a.startsWith('-'));
  if (unknown) {
    console.error(`validate: unknown option ${unknown}\n${usage}`);
    return 2;
  }
  let code = 0;
  for (const file of argv) {
    code = Math.max(code, await validateOne(file));
  }
  return code;
}

process.exitCode = await main(process.argv.slice(2)).catch((err) => {
  console.error(`validate: ${err.stack ?? err}`);
  return 2;
});
