import { chatRequest, openAiChatRequest } from '@gaia/contracts';
import { openAiErrorBody, parseInput, useErrorShape } from '@gaia/platform';
import type { IRouter, Request, Response } from 'express';
import { asHttpError } from '../formats/provider-failure.js';
import { chatCaller, clientGone } from './caller.js';
import { runFor, type ChatRouteDeps } from './chat-context.js';
import { answerOpenAi } from './sdk-compatible.js';

/** The legacy v1 reply: a JSON body with `response`, `provider`, `model` (never streamed). */
async function answerLegacy(req: Request, res: Response, deps: ChatRouteDeps) {
  const body = parseInput(chatRequest, req.body);
  const run = runFor(body, chatCaller(res), 'v1', clientGone(req, res), deps.defaultMaxTokens);
  const { result } = await deps.engine.reply(run).catch((error: unknown) => {
    throw asHttpError(error);
  });
  res.json({
    response: result.text,
    provider: result.provider,
    model: result.model,
    usage: null,
    response_time_ms: null,
    reasoning: null,
    fallback_used: null,
  });
}

const hasMessages = (body: unknown) =>
  typeof body === 'object' && body !== null && 'messages' in body && !('message' in body);

/**
 * Legacy v1 chat for JWT and API-key callers alike (Q14): `message` answers the legacy JSON even with
 * `stream: true`; `/api/v1/chat/completions` with OpenAI `messages` follows the OpenAI contract.
 * @example v1ChatRoutes(app, deps);
 */
export function v1ChatRoutes(router: IRouter, deps: ChatRouteDeps): void {
  router.post('/api/v1/chat', (req, res) => answerLegacy(req, res, deps));

  router.post('/api/v1/chat/completions', async (req, res) => {
    if (!hasMessages(req.body)) return answerLegacy(req, res, deps);
    useErrorShape(req, openAiErrorBody);
    await answerOpenAi(req, res, parseInput(openAiChatRequest, req.body), chatCaller(res), deps);
  });

  router.get('/api/v1/chat/status', async (_req, res) => {
    const count = await deps.history.count(chatCaller(res).userId, 'v1');
    res.json({ message_count: count, has_history: count > 0 });
  });

  router.delete('/api/v1/chat/history', async (_req, res) => {
    await deps.history.clear(chatCaller(res).userId, 'v1');
    res.json({ status: 'success' });
  });

  router.post('/api/v1/chat/reload-prompt', (_req, res) => {
    chatCaller(res);
    res.json({ status: 'success', message: 'System prompt reloaded successfully' });
  });
}
