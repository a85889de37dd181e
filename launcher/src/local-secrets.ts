import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LocalSecrets {
  INTERNAL_AUTH_SECRET: string;
  SUPABASE_JWT_SECRET: string;
}

/**
 * Secrets for a zero-configuration local run: generated once, kept (mode 0600) under the data folder
 * so sessions and tokens survive a restart. Production sets them from a Kubernetes Secret instead.
 * @example const secrets = localSecrets('.data');
 */
export function localSecrets(dataDir: string): LocalSecrets {
  const file = join(dataDir, 'local-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets;
  const secrets: LocalSecrets = {
    INTERNAL_AUTH_SECRET: randomBytes(32).toString('base64url'),
    SUPABASE_JWT_SECRET: randomBytes(32).toString('base64url'),
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
