// Session wraps one official socket.io-client socket: it records and validates
// every event the client receives (onAny, against the contract), waits for events,
// and makes contract requests: a client event sent with an acknowledgement, its
// answer matched by the correlation field, never by arrival order.
import { isDeepStrictEqual } from 'node:util';

const defaultWaitMs = 10_000;
// ackGraceMs is how long the answer event may trail its acknowledgement.
const ackGraceMs = 2_000;

export class Session {
  // io is a socket.io-client module ({io, Manager}); opts go to io() as they are.
  constructor({ io, contract, url, ns, token, opts = {} }) {
    this.contract = contract;
    this.ns = ns;
    this.events = []; // {name, payload, args, at}
    this.problems = []; // contract violations seen on this socket
    this.connects = 0;
    this.disconnects = []; // reasons
    this.waiters = new Set();
    const auth = token === undefined ? undefined : { token };
    this.socket = io.io(url + ns, {
      forceNew: true,
      reconnectionDelay: 50,
      reconnectionDelayMax: 500,
      timeout: 5_000,
      ...(auth ? { auth } : {}),
      ...opts,
    });
    this.socket.onAny((name, ...args) => this.record(name, args));
    this.socket.on('connect', () => { this.connects += 1; this.notify(); });
    this.socket.on('disconnect', (reason) => { this.disconnects.push(reason); this.notify(); });
  }

  record(name, args) {
    const problems = this.contract.checkServerEvent(this.ns, name, args);
    this.problems.push(...problems);
    this.events.push({ name, payload: args[0], args, at: Date.now() });
    this.notify();
  }

  notify() {
    for (const w of this.waiters) w();
  }

  // until resolves when check() returns a value other than undefined, re-checked
  // after every received event, connect and disconnect; rejects after ms with what.
  until(check, what, ms = defaultWaitMs) {
    return new Promise((resolve, reject) => {
      const tryIt = () => {
        let v;
        try { v = check(); } catch (err) { done(); reject(err); return; }
        if (v !== undefined) { done(); resolve(v); }
      };
      const timer = setTimeout(() => { done(); reject(new Error(`${this.ns}: timed out after ${ms} ms waiting for ${what}; received: ${this.summary()}`)); }, ms);
      const done = () => { clearTimeout(timer); this.waiters.delete(tryIt); };
      this.waiters.add(tryIt);
      tryIt();
    });
  }

  // connected resolves on the first connect, rejects with the connect_error (its
  // data checked against the contract) when the server refuses.
  connected(ms = defaultWaitMs) {
    if (this.socket.connected) return Promise.resolve(this);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { cleanup(); reject(new Error(`${this.ns}: no connect in ${ms} ms`)); }, ms);
      const ok = () => { cleanup(); resolve(this); };
      const fail = (err) => { cleanup(); reject(err); };
      const cleanup = () => { clearTimeout(timer); this.socket.off('connect', ok); this.socket.off('connect_error', fail); };
      this.socket.once('connect', ok);
      this.socket.once('connect_error', fail);
    });
  }

  // refused resolves with the data of the connect_error that refuses this socket
  // (and fails if it connects); the data's problems against the contract are added.
  refused(ms = defaultWaitMs) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { cleanup(); reject(new Error(`${this.ns}: neither connect nor connect_error in ${ms} ms`)); }, ms);
      const ok = () => { cleanup(); reject(new Error(`${this.ns}: connected, expected a refusal`)); };
      const fail = (err) => {
        cleanup();
        this.socket.disconnect();
        this.problems.push(...this.contract.checkConnectError(err.data));
        resolve(err.data);
      };
      const cleanup = () => { clearTimeout(timer); this.socket.off('connect', ok); this.socket.off('connect_error', fail); };
      this.socket.once('connect', ok);
      this.socket.once('connect_error', fail);
    });
  }

  // waitFor resolves with the payload of the first event name received at or after
  // index from (default: any time) for which pred(payload) holds.
  waitFor(name, pred = () => true, { from = 0, ms } = {}) {
    return this.until(() => {
      for (let i = from; i < this.events.length; i++) {
        const e = this.events[i];
        if (e.name === name && pred(e.payload)) return e.payload;
      }
      return undefined;
    }, `${name}`, ms);
  }

  // received lists the payloads of every event name received so far.
  received(name) {
    return this.events.filter((e) => e.name === name).map((e) => e.payload);
  }

  // request sends client event ev (a contract event) with payload and an ack
  // callback, and resolves with {ok, event, data, ack}: the answer event (ev's reply
  // or error event) whose correlation field matches, and the ack, which must name
  // that same event with the same data.
  async request(ev, payload, ms = defaultWaitMs) {
    const reply = this.contract.byRole(ev.reply);
    const error = this.contract.byRole(ev.errorEvent);
    const generic = this.contract.byRole('error');
    const key = ev.correlation;
    const from = this.events.length;
    const ack = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.ns} ${ev.name}: no acknowledgement in ${ms} ms`)), ms);
      this.socket.emit(ev.name, payload, (answer) => { clearTimeout(timer); resolve(answer); });
    });
    const matches = (p) => !key || (p && (p[key] === payload[key] || p.correlationId === payload[key]));
    const find = () => {
      for (let i = from; i < this.events.length; i++) {
        const e = this.events[i];
        if ((e.name === reply.name || e.name === error.name || (e.name === generic.name && e.payload?.event === ev.name)) && matches(e.payload)) {
          return e;
        }
      }
      return undefined;
    };
    const what = `${this.ns} ${ev.name}${key ? ` ${key}=${payload[key]}` : ''}`;
    const a = await ack;
    // The answer event comes with the ack (before or just after it): once the ack
    // is in, a missing answer is a failure now, not after the whole timeout.
    const e = await this.until(find, `the answer to ${what}`, ackGraceMs).catch(() => {
      throw new Error(`${what}: acknowledged with ${JSON.stringify(a)?.slice(0, 400)}, but no ${reply.name}, ${error.name} or ${generic.name} event carrying ${key ?? 'an answer'}=${payload[key]} came with it; received: ${this.summary()}`);
    });
    if (!a || a.event !== e.name || !isDeepStrictEqual(a.data, e.payload)) {
      this.problems.push(`${this.ns} ${ev.name}: the ack ${JSON.stringify(a)} is not {event, data} of the answer event ${e.name}`);
    }
    return { ok: e.name === reply.name, event: e.name, data: e.payload, ack: a };
  }

  // accepted is request that must be answered by the reply event.
  async accepted(ev, payload, ms) {
    const r = await this.request(ev, payload, ms);
    if (!r.ok) throw new Error(`${this.ns} ${ev.name} ${JSON.stringify(payload)} was rejected: ${r.event} ${JSON.stringify(r.data)}`);
    return r.data;
  }

  summary() {
    const names = this.events.slice(-12).map((e) => e.name);
    return `${this.events.length} events${names.length ? ` (last: ${names.join(', ')})` : ''}, connects ${this.connects}, disconnects [${this.disconnects.join(', ')}]`;
  }

  close() {
    this.socket.disconnect();
    this.socket.io?.engine?.close?.();
  }
}
