import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';

/**
 * Listen with idle keep-alive connections kept for 65 s instead of Node's 5 s. With 5 s, a client
 * that reuses an idle connection (fetch keeps them) just as the server closes it gets EPIPE or a
 * reset: a rig posting a sheet a few seconds after its last one, a gateway calling a subgraph. The
 * client's own idle limit (undici: 4 s, or the server's hint) is then always the shorter one, and so
 * is a load balancer's usual 60 s. headersTimeout must stay above keepAliveTimeout.
 */
export async function listenKeepingConnections(app: INestApplication, port: number, host: string): Promise<void> {
  const server = app.getHttpServer() as Server;
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await app.listen(port, host);
}
