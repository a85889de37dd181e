import { credentialsBody, refreshBody, validateBody } from '@gaia/contracts';
import { parseInput } from '@gaia/platform';
import { Router } from 'express';
import type { Accounts } from '../accounts/accounts.js';
import { bearerToken, callerUserId } from './caller.js';

/**
 * `/api/v1/auth/{register,login,refresh,validate,logout}`: Supabase-shaped sessions and credential checks.
 * @example app.use(authRoutes(accounts));
 */
export function authRoutes(accounts: Accounts): Router {
  const router = Router();
  router.post('/api/v1/auth/register', async (req, res) => {
    res.json(await accounts.register(parseInput(credentialsBody, req.body)));
  });
  router.post('/api/v1/auth/login', async (req, res) => {
    res.json(await accounts.login(parseInput(credentialsBody, req.body)));
  });
  router.post('/api/v1/auth/refresh', async (req, res) => {
    res.json(await accounts.refresh(parseInput(refreshBody, req.body).refresh_token));
  });
  router.post('/api/v1/auth/validate', async (req, res) => {
    res.json(await accounts.validate(parseInput(validateBody, req.body)));
  });
  router.post('/api/v1/auth/logout', async (req, res) => {
    res.json(await accounts.logout({ userId: callerUserId(res), accessToken: bearerToken(req) }));
  });
  return router;
}
