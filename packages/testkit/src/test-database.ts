import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createLogger, migrate } from '@gaia/platform';

/** The server tests create their databases on (CI's PostgreSQL by default). */
export const testAdminUrl = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/**
 * A fresh database for one test file, migrated unless `migrated: false`, so runs never collide.
 * @example const db = await createTestDatabase(); after(() => db.drop());
 */
export async function createTestDatabase({ migrated = true } = {}): Promise<TestDatabase> {
  const name = `gaia_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testAdminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(testAdminUrl);
  url.pathname = `/${name}`;
  if (migrated)
    await migrate({
      url: url.toString(),
      logger: createLogger({ service: 'test', level: 'error', format: 'json' }),
    });
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const client = new pg.Client({ connectionString: testAdminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}
