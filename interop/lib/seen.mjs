// Which server events the clients of a test process received, written when the
// process exits to reports/interop/seen/<file>.json (the compatibility report
// lists, per event of the contract, whether a real client saw it validated).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { reportDir } from './paths.mjs';

const seen = new Map(); // "ns event" -> count

export function recordSeen(sessions) {
  for (const s of sessions) {
    for (const e of s.events) {
      const k = `${s.ns} ${e.name}`;
      seen.set(k, (seen.get(k) ?? 0) + 1);
    }
  }
}

// addSeen adds events received elsewhere (the browser) as [{ns, name}].
export function addSeen(events) {
  for (const e of events) {
    const k = `${e.ns} ${e.name}`;
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
}

process.on('exit', () => {
  if (seen.size === 0) return;
  const dir = path.join(reportDir, 'seen');
  mkdirSync(dir, { recursive: true });
  const name = path.basename(process.argv[1] ?? `pid${process.pid}`).replace(/\.m?js$/, '');
  writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(Object.fromEntries([...seen].sort()), null, 1));
});
