#!/usr/bin/env node
// Runs the Prisma CLI offline. Every Prisma command tries to download its schema engine unless
// PRISMA_SCHEMA_ENGINE_BINARY names a file; a stub that exits 1 makes generate/validate/format work
// and makes engine-only commands (migrate diff, db push) fail loudly instead of silently doing nothing.
// Usage: node scripts/prisma.mjs generate
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const stubDir = join(tmpdir(), 'gaia-prisma');
const stub = join(stubDir, 'schema-engine-offline');
mkdirSync(stubDir, { recursive: true });
writeFileSync(
  stub,
  '#!/bin/sh\necho "schema engine not available offline; use npm run migrate" >&2\nexit 1\n',
);
chmodSync(stub, 0o755);

const cli = createRequire(import.meta.url).resolve('prisma/build/index.js');
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: {
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: stub,
  },
});
process.exit(result.status ?? 1);
