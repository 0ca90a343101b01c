// The frontend's origin for the browser test: a static server on loopback that
// serves the page (interop/browser/) and the official client bundle from
// node_modules, as a frontend's dev server would.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { interopDir } from './paths.mjs';

const files = {
  '/': [path.join(interopDir, 'browser', 'index.html'), 'text/html; charset=utf-8'],
  '/app.js': [path.join(interopDir, 'browser', 'app.js'), 'text/javascript; charset=utf-8'],
  '/socket.io.min.js': [path.join(interopDir, 'node_modules', 'socket.io-client', 'dist', 'socket.io.min.js'), 'text/javascript; charset=utf-8'],
};

// startPageServer listens on 127.0.0.1 (port INTEROP_PAGE_PORT, default any free one:
// an external TARGET must allow http://localhost:<that port> with credentials) and returns {port, origin, close}; origin
// uses the name localhost, so the page and the server (127.0.0.1) are cross-origin.
export async function startPageServer() {
  const server = http.createServer(async (req, res) => {
    const f = files[new URL(req.url, 'http://x').pathname];
    if (!f) { res.writeHead(404).end('not found'); return; }
    try {
      const body = await readFile(f[0]);
      res.writeHead(200, { 'content-type': f[1], 'cache-control': 'no-store' }).end(body);
    } catch (err) {
      res.writeHead(500).end(`read ${f[0]}: ${err.message}`);
    }
  });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(Number(process.env.INTEROP_PAGE_PORT || 0), '127.0.0.1', resolve); });
  const { port } = server.address();
  return {
    port,
    origin: `http://localhost:${port}`,
    // otherOrigin is the same server under another name: an origin the target does not allow.
    otherOrigin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}
