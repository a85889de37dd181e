import { UnauthorizedError } from '@gaia/platform';
import type { Request, Response } from 'express';
import type { ChatCaller } from '../chat/chat-engine.js';

/**
 * The user a chat request acts for; chat needs a user (JWT or API key), not a service or anonymous call.
 * @example const caller = chatCaller(res);
 */
export function chatCaller(res: Response): ChatCaller {
  const identity = res.locals.identity;
  if (identity?.auth_type === 'jwt')
    return { userId: identity.user_id, apiKeyId: null, requestId: res.locals.requestId };
  if (identity?.auth_type === 'user_api_key') {
    return { userId: identity.user_id, apiKeyId: identity.key_id, requestId: res.locals.requestId };
  }
  throw new UnauthorizedError();
}

/**
 * A signal that aborts when the client goes away before the response ended, so the provider request
 * is cancelled too.
 * @example const signal = clientGone(req, res);
 */
export function clientGone(_req: Request, res: Response): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort(new Error('client disconnected'));
  });
  return controller.signal;
}
