import { ForbiddenError, UnauthorizedError } from '@gaia/platform';
import type { Request, Response } from 'express';
import { z } from 'zod';

const userId = z.uuid();

/**
 * The id of the user calling (JWT or API key); 401 for anonymous and service callers, and for
 * subjects that are not user ids at all.
 * @example const owner = callerUserId(res);
 */
export function callerUserId(res: Response): string {
  const identity = res.locals.identity;
  const id =
    identity?.auth_type === 'jwt' || identity?.auth_type === 'user_api_key' ? identity.user_id : undefined;
  if (!id || !userId.safeParse(id).success) throw new UnauthorizedError();
  return id;
}

/**
 * Lets only another Gaia service through (internal routes).
 * @example requireServiceCaller(res);
 */
export function requireServiceCaller(res: Response): void {
  if (res.locals.identity?.auth_type !== 'service')
    throw new ForbiddenError('Only Gaia services may call internal routes');
}

/**
 * The token of an `Authorization: Bearer …` header (scheme in any case), if any.
 * @example const accessToken = bearerToken(req);
 */
export function bearerToken(req: Request): string | undefined {
  const match = /^bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  return match?.[1];
}
