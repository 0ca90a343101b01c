// The contract as the interop tests see it: the AsyncAPI document parsed by the
// official parser (@asyncapi/parser), its x-socketio binding, and a validator per
// event payload (ajv, JSON Schema draft-07 as the document declares). The tests
// look events up by semantic role (send-message, its reply, its correlation field),
// never by typed-in names, like the Go tools.
import { readFile } from 'node:fs/promises';
import { Parser, DiagnosticSeverity } from '@asyncapi/parser';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { contractFile } from './paths.mjs';

// Contract is the loaded document. Event: {name, role, direction, namespaces,
// allowedRoles, reply, errorEvent, correlation, idempotencyKey, access, example,
// validate}; reply and errorEvent are roles.
export class Contract {
  constructor(raw, file) {
    this.file = file;
    this.raw = raw;
    this.binding = raw['x-socketio'];
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    this.events = new Map(); // name -> event
    this.roles = new Map(); // role -> event
    for (const [key, m] of Object.entries(raw.components.messages)) {
      const x = m['x-socketio'] ?? {};
      const ev = {
        key,
        name: m.name,
        role: x.role,
        direction: x.direction,
        namespaces: x.namespaces ?? [],
        allowedRoles: x.allowedRoles ?? [],
        reply: x.reply,
        errorEvent: x.errorEvent,
        correlation: x.correlation,
        idempotencyKey: x.idempotencyKey,
        access: x.access,
        ack: x.ack === true,
        example: m.examples?.[0]?.payload,
        validate: ajv.compile(m.payload),
      };
      this.events.set(ev.name, ev);
      this.roles.set(ev.role, ev);
    }
    this.namespaces = Object.values(raw.channels).map((ch) => {
      const x = ch['x-socketio'] ?? {};
      const names = new Set(Object.values(ch.messages ?? {}).map((m) => m.name));
      const evs = [...names].map((n) => this.events.get(n));
      return {
        name: x.namespace ?? ch.address,
        roles: x.roles ?? [],
        refuses: x.refuses === true,
        clientEvents: evs.filter((e) => e.direction === 'clientToServer'),
        serverEvents: evs.filter((e) => e.direction === 'serverToClient'),
      };
    });
    const schemas = raw.components.schemas;
    this.validateErrorEnvelope = ajv.compile(schemas.ErrorEnvelope);
  }

  // byRole returns the event of a semantic role, or throws naming the role.
  byRole(role) {
    const e = this.roles.get(role);
    if (!e) throw new Error(`the contract (${this.file}) has no event with role ${role}`);
    return e;
  }

  namespace(name) {
    const ns = this.namespaces.find((n) => n.name === name);
    if (!ns) throw new Error(`the contract (${this.file}) has no namespace ${name}`);
    return ns;
  }

  // connectable lists the namespaces that accept connections, each with a role allowed on it.
  connectable() {
    return this.namespaces.filter((n) => !n.refuses && n.roles.length > 0);
  }

  // checkServerEvent returns the problems of a server event received on namespace ns
  // with args (what socket.io-client gives an onAny listener): an event the namespace
  // does not send, not exactly one argument, or a payload its schema rejects.
  checkServerEvent(ns, name, args) {
    const e = this.events.get(name);
    if (!e || e.direction !== 'serverToClient' || !this.namespace(ns).serverEvents.includes(e)) {
      return [`${ns}: ${name} is not a server event of this namespace in the contract`];
    }
    if (args.length !== 1) return [`${ns} ${name}: ${args.length} arguments, the contract says one JSON object`];
    if (e.validate(args[0])) return [];
    return e.validate.errors.map((er) => `${ns} ${name}: ${er.instancePath || '(payload)'} ${er.message} (${er.schemaPath})`);
  }

  // checkConnectError returns the problems of a connect_error's data: the contract's
  // error envelope, with a code of handshake.connectErrors.
  checkConnectError(data) {
    if (!this.validateErrorEnvelope(data)) {
      return this.validateErrorEnvelope.errors.map((er) => `connect_error data ${er.instancePath || ''} ${er.message}`);
    }
    if (!this.binding.handshake.connectErrors.includes(data.code)) {
      return [`connect_error code ${data.code} is not one of handshake.connectErrors`];
    }
    return [];
  }
}

// loadContract parses the document with the official parser; an error diagnostic
// is a failure (the same check as asyncapi/validate.mjs).
export async function loadContract(file = contractFile) {
  const text = await readFile(file, 'utf8');
  const { document, diagnostics } = await new Parser().parse(text, { source: file });
  const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
  if (!document || errors.length > 0) {
    const lines = errors.map((d) => `  ${d.path.join('.')}: ${d.message}`).join('\n');
    throw new Error(`${file} does not parse as AsyncAPI:\n${lines}`);
  }
  return new Contract(document.json(), file);
}

let cached;
// contract returns the default contract, loaded once per test process.
export function contract() {
  cached ??= loadContract();
  return cached;
}
