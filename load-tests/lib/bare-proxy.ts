// The floor for any Node.js hop on this machine: a bare node:http pass-through proxy (keep-alive agent,
// bodies and responses piped, nothing else). The benchmark chains one or two of these in front of the
// fake to show what a hop costs before any gateway logic.
// Run: PORT=8700 TARGET=http://127.0.0.1:8600 node load-tests/lib/bare-proxy.ts
import http from 'node:http';

const target = new URL(process.env.TARGET ?? 'http://127.0.0.1:8600');
const agent = new http.Agent({ keepAlive: true, scheduling: 'lifo' });

const server = http.createServer((req, res) => {
  const headers = { ...req.headers, host: target.host };
  delete headers.connection;
  const upstream = http.request(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
    (response) => {
      delete response.headers.connection;
      delete response.headers['keep-alive'];
      res.writeHead(response.statusCode ?? 502, response.headers);
      res.flushHeaders();
      response.pipe(res);
    },
  );
  upstream.on('error', () => res.destroy());
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
});
server.keepAliveTimeout = 65_000;
// The same accept queue as Gaia's services (platform serve.ts), so the floor is comparable.
server.listen({ port: Number(process.env.PORT ?? 8700), host: '127.0.0.1', backlog: 4096 });
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  agent.destroy();
});
