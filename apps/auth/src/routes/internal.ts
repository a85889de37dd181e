import { resolveKeyBody } from '@gaia/contracts';
import { parseInput } from '@gaia/platform';
import { Router } from 'express';
import type { ApiKeys } from '../keys/api-keys.js';
import { requireServiceCaller } from './caller.js';

/**
 * `/internal/*`: calls from other Gaia services only (the gateway resolving API keys by hash).
 * @example app.use(internalRoutes(keys));
 */
export function internalRoutes(keys: ApiKeys): Router {
  const router = Router();
  router.post('/internal/keys/resolve', async (req, res) => {
    requireServiceCaller(res);
    res.json(await keys.resolve(parseInput(resolveKeyBody, req.body).key_hash));
  });
  return router;
}
