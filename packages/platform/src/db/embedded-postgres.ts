import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { freePort } from '../lifecycle/free-port.js';

export interface EmbeddedPostgres {
  /** `postgresql://` URL that `pg`, Prisma and psql can use. */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * PostgreSQL in-process (PGlite, WebAssembly) served over the wire protocol on a local port, so the
 * platform runs with zero setup. One backend session serves every connection (queries are queued, a
 * transaction holds the others back until it ends): fine for one developer, not for production.
 * @example const pg = await startEmbeddedPostgres('.data/pg'); createDatabase({ url: pg.url, poolSize: 1 });
 */
export async function startEmbeddedPostgres(dataDir: string, port?: number): Promise<EmbeddedPostgres> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir);
  const listenPort = port ?? (await freePort());
  // It accepts a single connection unless told otherwise; every service's pool connects to it.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: listenPort, maxConnections: 64 });
  await server.start();
  return {
    url: `postgresql://postgres@127.0.0.1:${listenPort}/postgres?sslmode=disable`,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
