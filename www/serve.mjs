// A static server for the playground: www/ at /, the package at /node_modules/cinnabar/.
//
//   node www/serve.mjs [port]              # serves ../pkg (run `npm run build` in pkg/ first)
//   CINNABAR_PKG=/path/to/installed/cinnabar node www/serve.mjs
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

/** Start the server; resolves to { url, close }. */
export function serve({ port = 0, root, pkgDir } = {}) {
  const here = fileURLToPath(new URL('.', import.meta.url));
  root = resolve(root ?? here);
  pkgDir = resolve(pkgDir ?? process.env.CINNABAR_PKG ?? join(here, '..', 'pkg'));
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      const prefix = '/node_modules/cinnabar/';
      let file;
      if (path.startsWith(prefix)) file = join(pkgDir, normalize(path.slice(prefix.length)));
      else file = join(root, normalize(path === '/' ? 'index.html' : path.slice(1)));
      if (!file.startsWith(pkgDir) && !file.startsWith(root)) throw new Error('outside');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  return new Promise((ok) =>
    server.listen(port, '127.0.0.1', () => {
      ok({ url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) });
    }),
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { url } = await serve({ port: Number(process.argv[2] ?? 8080) });
  console.log(`playground at ${url}`);
}
