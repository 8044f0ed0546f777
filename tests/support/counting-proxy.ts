import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A pass-through HTTP proxy in front of one subgraph that counts the GraphQL requests it forwards. */
export interface CountingProxy {
  /** The proxy's origin, e.g. http://127.0.0.1:43121 */
  origin: string;
  /** POST /graphql requests forwarded since the start or the last reset. */
  graphqlCalls(): number;
  reset(): void;
  close(): Promise<void>;
}

/**
 * Forwards every request to `target` unchanged (method, path, headers and body streamed both ways), so
 * the gateway behaves as it does without it; only the number of GraphQL requests is kept.
 */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const to = new URL(target);
  let calls = 0;
  const server = http.createServer((req, res) => {
    if (req.method === 'POST' && (req.url ?? '').startsWith('/graphql')) calls++;
    const upstream = http.request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    // A subgraph that does not answer (stopped by a drill) must look the same to the gateway through the
    // proxy: the connection drops with no answer, rather than a 502 of the proxy's own.
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    graphqlCalls: () => calls,
    reset: () => void (calls = 0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
