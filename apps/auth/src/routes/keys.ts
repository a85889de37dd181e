import { createKeyBody } from '@gaia/contracts';
import { parseInput } from '@gaia/platform';
import { Router } from 'express';
import type { ApiKeys } from '../keys/api-keys.js';
import { callerUserId } from './caller.js';

/**
 * `/api/v1/auth/keys`: the caller's own API keys (create, list, revoke).
 * @example app.use(keyRoutes(keys));
 */
export function keyRoutes(keys: ApiKeys): Router {
  const router = Router();
  router.get('/api/v1/auth/keys', async (_req, res) => {
    res.json(await keys.list(callerUserId(res)));
  });
  router.post('/api/v1/auth/keys', async (req, res) => {
    const owner = callerUserId(res);
    res.status(201).json(await keys.create(owner, parseInput(createKeyBody, req.body)));
  });
  router.delete('/api/v1/auth/keys/:key_id', async (req, res) => {
    res.json(await keys.revoke(callerUserId(res), req.params.key_id));
  });
  return router;
}
