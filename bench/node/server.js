// A minimal server on the official Node socket.io 4.8 that does the same work per
// message:send as the Go reference server: verify the HS256 handshake token, validate
// the payload against the contract's JSON Schema (ajv), dedup by (tenant, messageId),
// assign the per-conversation seq, keep the newest messages, answer the reply event and
// the acknowledgement, broadcast the new-message event to the conversation room (minus
// the sender) and the conversation-updated event to each member's user room.
//
// Event names, the schema and the port come from BENCH_CONFIG (written by the Go driver
// from the contract), so no event name is typed here either.
'use strict';
const fs = require('fs');
const http = require('http');
const crypto = require('crypto');
const { Server } = require('socket.io');
const jwt = require('jsonwebtoken');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const cfg = JSON.parse(fs.readFileSync(process.env.BENCH_CONFIG, 'utf8'));
const ev = cfg.events; // {send, sent, error, newMessage, updated, join, joined}
const ajv = new Ajv({ allErrors: false, strict: false });
addFormats(ajv);
const validate = ajv.compile(cfg.schema);
const validateJoin = ajv.compile(cfg.joinSchema);

const httpServer = http.createServer();
const io = new Server(httpServer, {
  transports: ['websocket', 'polling'],
  pingInterval: cfg.pingIntervalMs,
  pingTimeout: cfg.pingTimeoutMs,
  maxHttpBufferSize: cfg.maxHttpBufferSize,
});

const dedup = new Map(); // tenant \0 messageId -> message
const convs = new Map(); // tenant \0 conversationId -> {seq, messages, members:Set, workspace}
const retain = cfg.retain;

function conversation(socket, id) {
  const key = socket.data.tenant + '\0' + id;
  let c = convs.get(key);
  if (!c) {
    c = { seq: 0, messages: [], members: new Set(), workspace: socket.data.workspace, reads: new Map() };
    convs.set(key, c);
  }
  if (c.workspace !== socket.data.workspace) return null;
  return c;
}

const app = io.of(cfg.namespace);
app.use((socket, next) => {
  try {
    const claims = jwt.verify(socket.handshake.auth.token, cfg.secret, { algorithms: ['HS256'] });
    socket.data = { user: claims.sub, role: claims.role, tenant: claims.tenantId, workspace: claims.workspaceId };
    next();
  } catch (e) {
    const err = new Error('Authentication failed');
    err.data = { code: 'AUTHENTICATION_FAILED', message: 'Authentication failed' };
    next(err);
  }
});

app.on('connection', (socket) => {
  socket.join('user:' + socket.data.tenant + ':' + socket.data.user);
  socket.on(ev.join, (data, ack) => {
    if (!validateJoin(data)) return;
    const c = conversation(socket, data.conversationId);
    if (!c) return;
    c.members.add(socket.data.user);
    socket.join('conversation:' + socket.data.tenant + ':' + data.conversationId);
    const payload = { conversationId: data.conversationId, lastSeq: c.seq };
    socket.emit(ev.joined, payload);
    if (typeof ack === 'function') ack({ event: ev.joined, data: payload });
  });
  socket.on(ev.send, (data, ack) => {
    if (!validate(data)) {
      const err = { messageId: String(data && data.messageId), error: { code: 'VALIDATION_ERROR', message: ajv.errorsText(validate.errors) } };
      socket.emit(ev.error, err);
      if (typeof ack === 'function') ack({ event: ev.error, data: err });
      return;
    }
    const t = socket.data.tenant;
    const key = t + '\0' + data.messageId;
    let m = dedup.get(key);
    let duplicate = true;
    if (!m) {
      duplicate = false;
      const c = conversation(socket, data.conversationId);
      if (!c) return;
      const room = 'conversation:' + t + ':' + data.conversationId;
      if (!c.members.has(socket.data.user)) {
        c.members.add(socket.data.user);
        socket.join(room);
      }
      c.seq++;
      m = {
        id: 'msg_' + crypto.randomBytes(16).toString('hex'), messageId: data.messageId,
        conversationId: data.conversationId, type: data.type || 'text', text: data.text ?? null,
        sender: socket.data.user, direction: 'outbound', status: 'sent', mediaId: data.mediaId ?? null,
        createdAt: new Date().toISOString(), seq: c.seq,
      };
      dedup.set(key, m);
      c.messages.push(m);
      if (c.messages.length > retain) c.messages.shift();
      c.reads.set(socket.data.user, c.seq);
      socket.to(room).emit(ev.newMessage, m);
      for (const member of c.members) {
        const unread = c.seq - (c.reads.get(member) || 0);
        app.to('user:' + t + ':' + member).emit(ev.updated, {
          id: data.conversationId, status: 'open', assignedAgent: null, botEnabled: true,
          lastMessage: { id: m.id, text: m.text, sender: m.sender, createdAt: m.createdAt, seq: m.seq },
          unreadCount: unread, updatedAt: m.createdAt,
        });
      }
    }
    const reply = { id: m.id, messageId: m.messageId, conversationId: m.conversationId, status: m.status, twilioSid: null, sentAt: m.createdAt, seq: m.seq };
    if (duplicate) reply.duplicate = true;
    socket.emit(ev.sent, reply);
    if (typeof ack === 'function') ack({ event: ev.sent, data: reply });
  });
});

httpServer.listen(cfg.port, '127.0.0.1', () => {
  process.stdout.write('listening ' + cfg.port + '\n');
});
process.on('SIGTERM', () => process.exit(0));
