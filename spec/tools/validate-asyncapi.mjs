#!/usr/bin/env node
// validate-asyncapi.mjs parses an AsyncAPI document with the official
// parser (@asyncapi/parser, pinned in package.json) and prints every
// diagnostic it reports: severity, path inside the document, message,
// rule code and line:column.
//
// Usage: node spec/tools/validate-asyncapi.mjs <file>
//
// Exit codes:
//   0  the document parsed and no diagnostic has severity "error";
//      warnings, infos and hints are printed but allowed (the parser's
//      built-in ruleset warns about style, e.g. a missing license or
//      operation description, and those must not fail the build)
//   1  at least one error-severity diagnostic, or the parser gave no document
//   2  usage error, or the file could not be read
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Parser, DiagnosticSeverity } from '@asyncapi/parser';

const severityNames = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'info',
  [DiagnosticSeverity.Hint]: 'hint',
};

function formatPath(segments) {
  if (!segments || segments.length === 0) return '(document)';
  return segments.map(String).join('.');
}

function formatRange(range) {
  if (!range || !range.start) return '';
  return ` [${range.start.line + 1}:${range.start.character + 1}]`;
}

async function main(argv) {
  if (argv.length !== 1) {
    console.error('usage: validate-asyncapi.mjs <asyncapi-file>');
    return 2;
  }
  // An absolute source lets the parser resolve relative $refs next to the file.
  const file = path.resolve(argv[0]);
  let text;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    console.error(`validate-asyncapi: read ${file}: ${err.message}`);
    return 2;
  }

  const parser = new Parser();
  const { document, diagnostics } = await parser.parse(text, { source: file });

  const counts = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const d of diagnostics) {
    const severity = severityNames[d.severity] ?? `severity-${d.severity}`;
    counts[severity] = (counts[severity] ?? 0) + 1;
    const code = d.code ? ` (${d.code})` : '';
    console.log(`${severity.padEnd(7)} ${formatPath(d.path)}${formatRange(d.range)}: ${d.message}${code}`);
  }

  const summary = `${counts.error} errors, ${counts.warning} warnings, ${counts.info} infos, ${counts.hint} hints`;
  if (counts.error > 0 || document === undefined) {
    console.log(`FAIL ${path.relative(process.cwd(), file)}: ${summary}`);
    return 1;
  }
  console.log(`ok ${path.relative(process.cwd(), file)}: AsyncAPI ${document.version()}, ${summary} (warnings allowed)`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2)).catch((err) => {
  console.error(`validate-asyncapi: ${err.stack ?? err}`);
  return 2;
});
