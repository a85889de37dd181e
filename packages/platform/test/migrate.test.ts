import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { get_dmmf } from '@prisma/prisma-schema-wasm';
import { createTestDatabase, type TestDatabase } from '@gaia/testkit';
import { expect } from 'chai';
import pg from 'pg';
import { createLogger, migrate } from '../src/index.js';

const logger = createLogger({ service: 'test', level: 'error', format: 'json' });
const schemaPath = fileURLToPath(new URL('../../../prisma/schema.prisma', import.meta.url));

interface DmmfField {
  name: string;
  dbName?: string;
  kind: string;
  type: string;
  isList: boolean;
  isRequired: boolean;
  hasDefaultValue: boolean;
  nativeType: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface Dmmf {
  datamodel: {
    models: DmmfModel[];
    indexes: { model: string; type: 'id' | 'unique' | 'normal'; fields: { name: string }[] }[];
  };
}

const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: readFileSync(schemaPath, 'utf8') }))) as Dmmf;
const models = dmmf.datamodel.models;
const tableOf = (model: DmmfModel) => model.dbName ?? model.name;
const columnOf = (model: DmmfModel, fieldName: string) => {
  const field = model.fields.find((f) => f.name === fieldName)!;
  return field.dbName ?? field.name;
};

// PostgreSQL's format_type() of what Prisma creates for each scalar type, as `prisma migrate` would.
function expectedType(field: DmmfField): string {
  const [native, args] = field.nativeType ?? [undefined, []];
  const byNative: Record<string, string> = {
    Uuid: 'uuid',
    Text: 'text',
    VarChar: `character varying(${args[0]})`,
    Timestamptz: `timestamp(${args[0] ?? 3}) with time zone`,
    Timestamp: `timestamp(${args[0] ?? 3}) without time zone`,
    Integer: 'integer',
    BigInt: 'bigint',
    JsonB: 'jsonb',
    Decimal: `numeric(${args.join(',')})`,
  };
  const byType: Record<string, string> = {
    String: 'text',
    Boolean: 'boolean',
    Int: 'integer',
    BigInt: 'bigint',
    Float: 'double precision',
    Decimal: 'numeric(65,30)',
    DateTime: 'timestamp(3) without time zone',
    Json: 'jsonb',
  };
  const base = native ? byNative[native] : byType[field.type];
  if (!base) throw new Error(`no mapping for ${field.type} ${native ?? ''}`);
  return field.isList ? `${base}[]` : base;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('migrations', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  before(async () => (db = await createTestDatabase({ migrated: false })));
  after(() => db.drop());

  it('apply once when two replicas migrate at the same time', async () => {
    const results = await Promise.all([migrate({ url: db.url, logger }), migrate({ url: db.url, logger })]);
    const applied = results.flatMap((r) => r.applied);
    const rows = await query<{ migration_name: string }>(
      db.url,
      'SELECT migration_name FROM "_prisma_migrations"',
    );
    expect(applied.length).to.be.greaterThan(0);
    expect(rows.map((r) => r.migration_name).sort()).to.deep.equal([...applied].sort());
  });

  it('are a no-op when run again, and keep Prisma bookkeeping complete', async () => {
    const again = await migrate({ url: db.url, logger });
    expect(again.applied).to.deep.equal([]);
    const rows = await query<{ finished_at: Date | null; checksum: string; applied_steps_count: number }>(
      db.url,
      'SELECT finished_at, checksum, applied_steps_count FROM "_prisma_migrations"',
    );
    expect(rows.length).to.equal(again.alreadyApplied.length);
    for (const row of rows) {
      expect(row.finished_at).to.be.instanceOf(Date);
      expect(row.checksum).to.match(/^[0-9a-f]{64}$/);
      expect(row.applied_steps_count).to.equal(1);
    }
  });

  it('produce exactly the tables and columns of schema.prisma (types, nullability, defaults)', async () => {
    const columns = await query<{
      table_name: string;
      column_name: string;
      type: string;
      not_null: boolean;
      has_default: boolean;
    }>(
      db.url,
      `SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type,
              a.attnotnull AS not_null, a.atthasdef AS has_default
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
          AND c.relname <> '_prisma_migrations'`,
    );
    const actual = columns.map(
      (c) =>
        `${c.table_name}.${c.column_name} ${c.type} ${c.not_null ? 'NOT NULL' : 'NULL'}${c.has_default ? ' DEFAULT' : ''}`,
    );
    const expected = models.flatMap((model) =>
      model.fields
        .filter((f) => f.kind === 'scalar')
        .map((f) => {
          const notNull = f.isRequired && !f.isList;
          return `${tableOf(model)}.${f.dbName ?? f.name} ${expectedType(f)} ${notNull ? 'NOT NULL' : 'NULL'}${f.hasDefaultValue ? ' DEFAULT' : ''}`;
        }),
    );
    expect(actual.sort()).to.deep.equal(expected.sort());
  });

  it('produce exactly the indexes and foreign keys of schema.prisma', async () => {
    const indexes = await query<{ table_name: string; columns: string; kind: string }>(
      db.url,
      `SELECT t.relname AS table_name,
              (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS columns,
              CASE WHEN i.indisprimary THEN 'id' WHEN i.indisunique THEN 'unique' ELSE 'normal' END AS kind
         FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'`,
    );
    const expectedIndexes = dmmf.datamodel.indexes.map((index) => {
      const model = models.find((m) => m.name === index.model)!;
      return `${tableOf(model)}(${index.fields.map((f) => columnOf(model, f.name)).join(',')}) ${index.type}`;
    });
    expect(indexes.map((i) => `${i.table_name}(${i.columns}) ${i.kind}`).sort()).to.deep.equal(
      expectedIndexes.sort(),
    );

    const foreignKeys = await query<{ definition: string; table_name: string }>(
      db.url,
      `SELECT c.conrelid::regclass::text AS table_name, pg_get_constraintdef(c.oid) AS definition
         FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace`,
    );
    const expectedKeys = models.flatMap((model) =>
      model.fields
        .filter((f) => f.relationFromFields?.length)
        .map((f) => {
          const target = models.find((m) => m.name === f.type)!;
          const from = f.relationFromFields!.map((name) => columnOf(model, name)).join(', ');
          const to = f.relationToFields!.map((name) => columnOf(target, name)).join(', ');
          const onDelete = f.relationOnDelete === 'Cascade' ? ' ON UPDATE CASCADE ON DELETE CASCADE' : '';
          return `${tableOf(model)}: FOREIGN KEY (${from}) REFERENCES ${tableOf(target)}(${to})${onDelete}`;
        }),
    );
    expect(foreignKeys.map((k) => `${k.table_name}: ${k.definition}`).sort()).to.deep.equal(
      expectedKeys.sort(),
    );
  });
});
