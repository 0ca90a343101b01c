// binding-md.mjs renders the document-level Socket.IO binding (the root
// x-socketio of the contract: transport, handshake, rooms, check order, rate
// limits, limits, error codes, thresholds, exit codes, clauses) as Markdown.
// The HTML template renders only extensions inside info, channels and messages,
// so docs.mjs appends this to info.description of the copy it renders: the
// page then shows what a frontend needs to know beyond the events.

const esc = (v) => String(v ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (v) => (v === undefined || v === null || v === '' ? '' : `\`${esc(Array.isArray(v) ? v.join(', ') : v)}\``);

function table(head, rows) {
  if (rows.length === 0) return [];
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map((c) => esc(c)).join(' | ')} |`), ''];
}

// bindingMarkdown returns the Markdown of root binding x; messages (the
// document's components.messages) give the per-event rate limits.
export function bindingMarkdown(x, messages = {}) {
  if (!x) return '';
  const out = ['', '## Socket.IO binding (`x-socketio`)', '',
    'The document-level part of the binding, as data in the contract (see spec/README.md for every field). Per event, the binding is under each message\'s Extensions.', ''];
  if (x.transport) {
    const t = x.transport;
    out.push('### Transport', '', ...table(['setting', 'value'], [
      ['path', code(t.path)], ['transports', code(t.transports)], ['allowUpgrades', code(t.allowUpgrades)],
      ['pingIntervalMs', code(t.pingIntervalMs)], ['pingTimeoutMs', code(t.pingTimeoutMs)], ['upgradeTimeoutMs', code(t.upgradeTimeoutMs)],
      ['connectTimeoutMs (client)', code(t.connectTimeoutMs)], ['maxHttpBufferSize', code(t.maxHttpBufferSize)],
    ].filter((r) => r[1])));
  }
  if (x.handshake) {
    const h = x.handshake;
    out.push('### Handshake', '', `The client sends \`auth: { ${h.authField}: <JWT> }\`; a refused connection gets \`connect_error\` with data \`{code, message, details?}\`.`, '',
      ...table(['setting', 'value'], [
        ['algorithm', code(h.algorithm)], ['required claims', code(h.requiredClaims)], ['optional claims', code(h.optionalClaims)],
        ['token TTL (s)', code(h.tokenTtlSeconds)], ['auth timeout (ms)', code(h.authTimeoutMs)], ['connect_error codes', code(h.connectErrors)],
      ].filter((r) => r[1])));
  }
  if (x.rooms) out.push('### Rooms', '', ...table(['room', 'name template'], Object.entries(x.rooms).map(([k, v]) => [k, code(v)])));
  if (x.checkOrder) {
    out.push('### Checks on every client event, in this order', '', 'A rejected event is never processed; the first failing check answers.', '',
      ...table(['#', 'check', 'error code', 'what'], x.checkOrder.map((c, i) => [i + 1, c.check, code(c.code), c.description])));
  }
  if (x.rateLimit) {
    const r = x.rateLimit;
    const per = Object.values(messages).filter((m) => m['x-socketio']?.rateLimit).map((m) => [code(m.name), m['x-socketio'].rateLimit.limit, m['x-socketio'].rateLimit.windowMs]);
    out.push('### Rate limits', '', `Scope \`${r.scope}\`, algorithm ${r.algorithm}, window ${r.windowMs} ms, default ${r.defaultLimit} per window; per event:`, '',
      ...table(['event', 'limit', 'windowMs'], per));
  }
  if (x.limits) out.push('### Limits', '', ...table(['limit', 'value'], Object.entries(x.limits).map(([k, v]) => [k, code(v)])));
  if (x.errorCodes) out.push('### Error codes', '', ...table(['code', 'where', 'meaning'], Object.entries(x.errorCodes).map(([k, v]) => [code(k), (v.where ?? []).join(', '), v.description])));
  if (x.thresholds) out.push('### Alert thresholds (load runs are judged by these)', '', ...table(['metric', 'threshold', 'meaning'], x.thresholds.map((t) => [t.metric, code(t.expr) + (t.informational ? ' (informational)' : ''), t.description])));
  if (x.exitCodes) out.push('### Exit codes of the tools', '', ...table(['outcome', 'code'], Object.entries(x.exitCodes).map(([k, v]) => [k, code(v)])));
  if (x.clauses) {
    out.push('### Behaviour clauses', '', `The ${x.clauses.length} clauses the conformance suite gives a verdict on (besides the generated payload, reply and error clauses of every event).`, '',
      ...table(['clause', 'labels', 'requires', 'what'], x.clauses.map((c) => [code(c.id), (c.labels ?? []).join(', '), (c.requires ?? []).join(', '), c.title])));
  }
  return out.join('\n');
}
