// `npm start`: the whole platform in one process, each service on its own port, with embedded
// defaults (PGlite, in-process bus, local auth) for whatever is not configured.
import {
  ConfigError,
  createBus,
  createLogger,
  loadConfig,
  migrate,
  onShutdownSignal,
  startEmbeddedPostgres,
  type RunningService,
} from '@gaia/platform';
import { join } from 'node:path';
import { launcherConfig, portVariable } from './launcher-config.js';
import { localSecrets } from './local-secrets.js';
import { services } from './services.js';

async function main() {
  const config = loadConfig(launcherConfig);
  const logger = createLogger({ service: 'launcher', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const startedAt = performance.now();
  const stops: (() => Promise<void>)[] = [];

  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    const embedded = await startEmbeddedPostgres(join(config.DATA_DIR, 'pg'));
    stops.unshift(() => embedded.stop());
    databaseUrl = embedded.url;
  }
  await migrate({ url: databaseUrl, logger });

  const bus = createBus({ url: config.NATS_URL, name: 'gaia', logger });
  stops.unshift(() => bus.close());

  const ports = config as Record<string, unknown>;
  const portOf = (name: string) => Number(ports[portVariable(name)]);
  const env: Record<string, string | undefined> = {
    ...localSecrets(config.DATA_DIR),
    ...Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== '')),
    DATABASE_URL: databaseUrl,
  };
  for (const service of services)
    env[`${service.name.toUpperCase()}_SERVICE_URL`] ??= `http://127.0.0.1:${portOf(service.name)}`;

  const running: RunningService[] = [];
  onShutdownSignal(logger, async () => {
    for (const service of [...running].reverse()) await service.stop();
    for (const stop of stops) await stop();
  });
  for (const service of services) {
    running.push(
      await service.start(
        { ...env, PORT: String(portOf(service.name)), SERVICE_NAME: service.name },
        { bus },
      ),
    );
  }

  const gateway = running.find((service) => service.name === 'gateway');
  logger.info('Gaia is running', {
    gateway: gateway?.url.replace('127.0.0.1', 'localhost'),
    services: Object.fromEntries(running.map((service) => [service.name, service.url])),
    database: config.DATABASE_URL ? 'DATABASE_URL' : `embedded PostgreSQL in ${join(config.DATA_DIR, 'pg')}`,
    bus: config.NATS_URL ? 'NATS_URL' : 'in-process',
    auth_provider: process.env.SUPABASE_URL ? 'supabase' : 'local',
    docs: gateway ? `${gateway.url.replace('127.0.0.1', 'localhost')}/docs` : undefined,
    startup_ms: Math.round(performance.now() - startedAt),
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
