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

// listen starts a page server on 127.0.0.1:port (0: any free port).
async function listen(port) {
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
  await new Promise((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`page server on 127.0.0.1:${port}: ${err.message}${err.code === 'EADDRINUSE' ? ' (set INTEROP_PAGE_PORT to a free port)' : ''}`)));
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}

// startPageServer serves the page twice: origin, on port INTEROP_PAGE_PORT (any free
// one by default; an external TARGET must allow http://127.0.0.1:<that port> with
// credentials), and otherOrigin, on another port, an origin no server allows. Both
// are cross-origin to the server under test (another port, or another host). The
// numeric host avoids "localhost", which may resolve to another server on ::1.
export async function startPageServer() {
  const main = await listen(Number(process.env.INTEROP_PAGE_PORT || 0));
  const other = await listen(0);
  return {
    origin: main.origin,
    otherOrigin: other.origin,
    close: async () => { await main.close(); await other.close(); },
  };
}
