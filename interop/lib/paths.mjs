// Where things are: the repository root, the contract, the CLI binary and the
// reports folder, each overridable from the environment.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const interopDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.resolve(interopDir, '..');

// CONTRACT names a variant contract, as for the Go tools; the default is the one in spec/.
export const contractFile = path.resolve(repoRoot, process.env.CONTRACT || 'spec/utalk-rt.asyncapi.yaml');

// RTCONFORM_BIN is the CLI that serves the reference server (make interop builds it).
export const rtconformBin = path.resolve(repoRoot, process.env.RTCONFORM_BIN || 'bin/rtconform');

// INTEROP_REPORT_DIR receives junit.xml, the compatibility matrix and the browser screenshot.
export const reportDir = path.resolve(repoRoot, process.env.INTEROP_REPORT_DIR || 'reports/interop');

// The reference built with -tags negativecontrols (make interop builds it), for the
// negative controls: mutated servers each test must reject.
export const negativeBin = path.resolve(repoRoot, process.env.RTCONFORM_NEGATIVE_BIN || 'bin/rtconform-negativecontrols');
