import { chatRequest } from '@gaia/contracts';
import { parseInput } from '@gaia/platform';
import type { IRouter } from 'express';
import { asHttpError } from '../formats/provider-failure.js';
import { writeOpenAiChunks } from '../formats/openai-format.js';
import { openSse } from '../streaming/sse.js';
import { chatCaller, clientGone } from './caller.js';
import { runFor, type ChatRouteDeps } from './chat-context.js';

/**
 * v0.2 chat: a JSON reply, or with `stream: true` real OpenAI-style chunks ending in one `[DONE]`
 * (Q7/Q8 fixed); status, history and prompt reload of the caller's v0.2 conversation.
 * @example v02ChatRoutes(app, deps);
 */
export function v02ChatRoutes(router: IRouter, deps: ChatRouteDeps): void {
  router.post('/api/v0.2/chat', async (req, res) => {
    const body = parseInput(chatRequest, req.body);
    const caller = chatCaller(res);
    const run = runFor(body, caller, 'v0.2', clientGone(req, res), deps.defaultMaxTokens);
    if (body.stream) {
      await writeOpenAiChunks(openSse(res, { keepAliveMs: deps.keepAliveMs }), deps.engine.stream(run), {
        includeUsage: true,
        requestedModel: body.model ?? 'auto',
      });
      return;
    }
    const { result, reasoning } = await deps.engine.reply(run).catch((error: unknown) => {
      throw asHttpError(error);
    });
    res.json({
      response: result.text,
      provider: result.provider,
      model: result.model,
      usage: {
        input_tokens: result.inputTokens,
        output_tokens: result.outputTokens,
        total_tokens: result.inputTokens + result.outputTokens,
      },
      response_time_ms: result.responseTimeMs,
      reasoning,
      fallback_used: result.fallbackUsed,
    });
  });

  router.get('/api/v0.2/chat/status', async (_req, res) => {
    const count = await deps.history.count(chatCaller(res).userId, 'v0.2');
    res.json({ message_count: count, has_history: count > 0, api_version: '0.2' });
  });

  router.delete('/api/v0.2/chat/history', async (_req, res) => {
    await deps.history.clear(chatCaller(res).userId, 'v0.2');
    res.json({ status: 'success', message: 'Chat history cleared', api_version: '0.2' });
  });

  // The persona is read for every reply, so a reload has nothing left to do; kept for clients that call it.
  router.post('/api/v0.2/chat/reload-prompt', (_req, res) => {
    chatCaller(res);
    res.json({ status: 'success', message: 'System prompt reloaded successfully', api_version: '0.2' });
  });
}
