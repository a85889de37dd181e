import { busConfig, databaseConfig, logConfig } from '@gaia/platform';
import { z } from 'zod';
import { services } from './services.js';

/** `AUTH_PORT`, `GATEWAY_PORT`, ...: where `npm start` runs each service. */
export const portVariable = (service: string) => `${service.toUpperCase()}_PORT`;

/** What `npm start` itself reads; every other variable is passed through to the services. */
export const launcherConfig = z.object({
  ...logConfig,
  ...databaseConfig,
  ...busConfig,
  ...Object.fromEntries(
    services.map((service) => [
      portVariable(service.name),
      z.coerce
        .number()
        .int()
        .min(1)
        .max(65535)
        .default(service.defaultPort)
        .describe(`Port of the ${service.name} service under \`npm start\``),
    ]),
  ),
});
