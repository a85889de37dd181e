import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import { createDatabase, createLogger, migrate, startEmbeddedPostgres } from '../src/index.js';

const logger = createLogger({ service: 'test', level: 'error', format: 'json' });

describe('embedded PostgreSQL', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'gaia-pglite-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the wire protocol to migrations and Prisma, and keeps data across restarts', async () => {
    const first = await startEmbeddedPostgres(dir);
    expect((await migrate({ url: first.url, logger })).applied.length).to.be.greaterThan(0);
    const db = createDatabase({ url: first.url, poolSize: 1 });
    await db.prisma.user.create({ data: { email: 'kept@gaia.local' } });
    await db.close();
    await first.stop();

    const second = await startEmbeddedPostgres(dir);
    expect((await migrate({ url: second.url, logger })).applied).to.deep.equal([]);
    const reopened = createDatabase({ url: second.url, poolSize: 1 });
    const user = await reopened.prisma.user.findUnique({ where: { email: 'kept@gaia.local' } });
    expect(user?.id).to.match(/^[0-9a-f-]{36}$/);
    await reopened.close();
    await second.stop();
  });

  it('serves several connections at once (one pool per service), keeping a transaction to its own connection', async () => {
    const server = await startEmbeddedPostgres(dir);
    const [a, b] = [
      new pg.Client({ connectionString: server.url }),
      new pg.Client({ connectionString: server.url }),
    ];
    await Promise.all([a.connect(), b.connect()]);
    await a.query('CREATE TABLE IF NOT EXISTS counter (n int)');
    await a.query('BEGIN');
    await a.query('INSERT INTO counter VALUES (1)');
    const seenByB = b.query<{ count: string }>('SELECT count(*) FROM counter');
    await a.query('ROLLBACK');
    expect((await seenByB).rows[0]!.count).to.equal('0');
    await Promise.all([a.end(), b.end()]);
    await server.stop();
  });
});
