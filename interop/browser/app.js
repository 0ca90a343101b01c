// The page a frontend engineer would write: the official socket.io-client bundle
// (window.io) connecting cross-origin with credentials to the UTalk server. The
// interop test calls window.utalk.* through Playwright with the event names it
// read from the contract, and validates everything returned against the contract.
(function () {
  const t0 = performance.now();
  const logEl = document.getElementById('log');
  const statusEl = document.getElementById('status');

  function show(dir, name, payload) {
    const tr = document.createElement('tr');
    const cells = [`${Math.round(performance.now() - t0)} ms`, dir, name, JSON.stringify(payload ?? null).slice(0, 160)];
    for (const [i, c] of cells.entries()) {
      const td = document.createElement('td');
      if (i === 1) td.className = 'dir';
      td.textContent = c;
      tr.appendChild(td);
    }
    logEl.appendChild(tr);
  }

  function status(text, ok) {
    statusEl.textContent = text;
    statusEl.className = ok === undefined ? '' : ok ? 'ok' : 'fail';
  }

  const sockets = [];

  // open connects to url+ns with the token; it resolves with a handle once
  // connected, or rejects with {message, data} of the connect_error.
  function open({ url, ns, token, transports, timeoutMs = 8000 }) {
    return new Promise((resolve, reject) => {
      const socket = window.io(url + ns, {
        auth: { token },
        transports,
        withCredentials: true, // cookies and credentialed CORS, as a logged-in frontend sends
        reconnection: false,
        forceNew: true,
        timeout: timeoutMs,
      });
      sockets.push(socket);
      const events = [];
      socket.onAny((name, ...args) => { events.push({ name, args }); show('<-', name, args[0]); });
      socket.once('connect', () => { show('ok', `connected ${ns}`, { id: socket.id, transport: socket.io.engine.transport.name }); resolve({ socket, events }); });
      socket.once('connect_error', (err) => {
        show('x', 'connect_error', { message: err.message, data: err.data });
        socket.close();
        reject({ message: err.message, data: err.data ?? null });
      });
    });
  }

  // request emits name with payload and an ack callback; resolves with the ack.
  function request(h, name, payload, timeoutMs = 8000) {
    show('->', name, payload);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ack for ${name} in ${timeoutMs} ms`)), timeoutMs);
      h.socket.emit(name, payload, (ack) => { clearTimeout(timer); resolve(ack); });
    });
  }

  // waitFor resolves with the first received payload of name for which field equals value.
  function waitFor(h, name, field, value, timeoutMs = 8000) {
    return new Promise((resolve, reject) => {
      const found = () => h.events.find((e) => e.name === name && e.args[0] && e.args[0][field] === value);
      const hit = found();
      if (hit) return resolve(hit.args[0]);
      const timer = setTimeout(() => { h.socket.offAny(check); reject(new Error(`no ${name} with ${field}=${value} in ${timeoutMs} ms`)); }, timeoutMs);
      function check() { const e = found(); if (e) { clearTimeout(timer); h.socket.offAny(check); resolve(e.args[0]); } }
      h.socket.onAny(check);
    });
  }

  // flow is a frontend's core flow: connect, join, send (ack = reply), wait for a
  // message another member sends, type, sync. cfg.ev maps roles to event names; the
  // test sends the peer's message when the page says it joined (window.utalk.joined).
  async function flow(cfg) {
    status(`running over ${cfg.transports.join('+')}`);
    const h = await open(cfg).catch((err) => {
      status(`connect_error: ${err.message}`, false);
      throw new Error(`connect_error: ${err.message} ${JSON.stringify(err.data)}`);
    });
    const out = { transport: null, acks: {}, peerMessage: null };
    out.acks.join = await request(h, cfg.ev.join, { conversationId: cfg.conversation });
    window.utalk.joined = true;
    out.acks.send = await request(h, cfg.ev.send, cfg.message);
    out.peerMessage = await waitFor(h, cfg.ev.messageNew, cfg.idempotencyKey, cfg.peerKey);
    out.acks.typing = await request(h, cfg.ev.typingStart, { conversationId: cfg.conversation });
    out.acks.sync = await request(h, cfg.ev.sync, { syncId: cfg.syncId, cursors: [{ conversationId: cfg.conversation, afterSeq: 0 }] });
    out.transport = h.socket.io.engine.transport.name;
    out.events = h.events;
    out.cookieEnabled = navigator.cookieEnabled;
    status(`ok over ${out.transport}: ${h.events.length} events received`, true);
    h.socket.disconnect();
    return out;
  }

  // refused connects with cfg and returns the connect_error (or throws on connect).
  async function refused(cfg) {
    try {
      const h = await open(cfg);
      h.socket.disconnect();
    } catch (err) {
      status(`refused as expected: ${err.message}`, true);
      return err;
    }
    status('connected where a refusal was expected', false);
    throw new Error('connected where a refusal was expected');
  }

  // connects opens a socket with cfg and resolves with its transport once connected
  // (rejects with the connect_error otherwise).
  async function connects(cfg) {
    const h = await open(cfg);
    const transport = h.socket.io.engine.transport.name;
    h.socket.disconnect();
    status(`connected over ${transport}`, true);
    return { transport };
  }

  window.utalk = { flow, refused, connects, joined: false };
})();
