import { authConfigSchema, loadAuthConfig, startAuth } from '@gaia/auth';
import { chatConfigSchema, loadChatConfig, startChat } from '@gaia/chat';
import { gatewayConfigSchema, loadGatewayConfig, startGateway } from '@gaia/gateway';
import type { Bus, RunningService } from '@gaia/platform';
import type { z } from 'zod';

type Env = Record<string, string | undefined>;

export interface LaunchedService {
  /** Name, also the prefix of its port variable (`AUTH_PORT`) and URL variable (`AUTH_SERVICE_URL`). */
  name: string;
  defaultPort: number;
  /** Its environment schema, for the generated configuration docs. */
  config: z.ZodObject;
  start(env: Env, shared: { bus: Bus }): Promise<RunningService>;
}

/** Every service `npm start` runs, in start order (the gateway last, so its upstreams are up). One line each. */
export const services: LaunchedService[] = [
  {
    name: 'auth',
    defaultPort: 8001,
    config: authConfigSchema,
    start: (env, shared) => startAuth(loadAuthConfig(env), shared),
  },
  {
    name: 'chat',
    defaultPort: 8003,
    config: chatConfigSchema,
    start: (env, shared) => startChat(loadChatConfig(env), shared),
  },
  {
    name: 'gateway',
    defaultPort: 8666,
    config: gatewayConfigSchema,
    start: (env, shared) => startGateway(loadGatewayConfig(env), shared),
  },
];
