import { routes } from '@gaia/contracts';
import type { IRouter } from 'express';
import type { ScalingReport } from '../discovery/service-discovery.js';
import { accessHandlers, type AccessDeps } from './access.js';

const PATH = '/api/v0.2/performance/scaling';
const contract = routes.find((route) => route.path === PATH && route.method === 'get')!;

/**
 * `GET /api/v0.2/performance/scaling`: each service's ready pods and its HPA's replicas, answered by
 * the gateway itself (it is the one watching the endpoints), with the access its contract declares.
 * @example scalingRoutes(app, { access: { authenticator, rateLimit }, scaling: () => discovery.scaling() });
 */
export function scalingRoutes(
  router: IRouter,
  deps: { access: AccessDeps; scaling: () => Promise<ScalingReport> },
): void {
  router.get(PATH, ...accessHandlers(contract, deps.access), async (_req, res) => {
    res.json(await deps.scaling());
  });
}
