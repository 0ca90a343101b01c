// check.mjs checks an AsyncAPI document with the official parser
// (@asyncapi/parser, pinned in interop/package.json). validate.mjs is its
// command line; interop/test/asyncapi.test.mjs calls it directly.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser, DiagnosticSeverity } from '@asyncapi/parser';

// interop/asyncapi/ is two levels below the repository root.
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// The contract and its generated variant, the documents `make interop` checks.
export const defaultDocuments = [
  path.join(repoRoot, 'spec', 'utalk-rt.asyncapi.yaml'),
  path.join(repoRoot, 'spec', 'testdata', 'variant-hyphenated.asyncapi.yaml'),
];

const severityNames = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'info',
  [DiagnosticSeverity.Hint]: 'hint',
};

// ReadError is thrown when the file cannot be read (exit code 2 in validate.mjs).
export class ReadError extends Error {
  constructor(file, cause) {
    super(`read ${file}: ${cause.message}`, { cause });
    this.name = 'ReadError';
    this.file = file;
  }
}

export function severityName(severity) {
  return severityNames[severity] ?? `severity-${severity}`;
}

function formatPath(segments) {
  if (!segments || segments.length === 0) return '(document)';
  return segments.map(String).join('.');
}

function formatRange(range) {
  if (!range || !range.start) return '';
  return ` [${range.start.line + 1}:${range.start.character + 1}]`;
}

// formatDiagnostic renders one diagnostic as
// "<severity> <path> [line:column]: <message> (<rule code>)".
export function formatDiagnostic(d) {
  const code = d.code ? ` (${d.code})` : '';
  return `${severityName(d.severity).padEnd(7)} ${formatPath(d.path)}${formatRange(d.range)}: ${d.message}${code}`;
}

// One parser for every call: creating it loads the rulesets.
let parser;

/**
 * checkDocument parses one AsyncAPI file and counts its diagnostics by severity.
 *
 * @param {string} file path of the document (relative paths resolve against the working directory)
 * @returns {Promise<{file: string, errors: number, warnings: number, infos: number, hints: number,
 *   diagnostics: object[], version: string|undefined, document: object|undefined, ok: boolean}>}
 *   `diagnostics` are the parser's own objects (severity, path, message, code, range);
 *   `version` is the document's `asyncapi` version and `document` the parsed
 *   AsyncAPIDocument, both undefined when the parser gave no document;
 *   `ok` is true when there is a document and no error-severity diagnostic.
 * @throws {ReadError} when the file cannot be read.
 */
export async function checkDocument(file) {
  // An absolute source lets the parser resolve relative $refs next to the file.
  const abs = path.resolve(file);
  let text;
  try {
    text = await readFile(abs, 'utf8');
  } catch (err) {
    throw new ReadError(abs, err);
  }
  parser ??= new Parser();
  const { document, diagnostics } = await parser.parse(text, { source: abs });

  const counts = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const d of diagnostics) {
    const name = severityName(d.severity);
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return {
    file: abs,
    errors: counts.error,
    warnings: counts.warning,
    infos: counts.info,
    hints: counts.hint,
    diagnostics,
    version: document?.version(),
    document,
    ok: counts.error === 0 && document !== undefined,
  };
}
