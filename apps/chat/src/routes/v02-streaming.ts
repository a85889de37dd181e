import { chatRequest } from '@gaia/contracts';
import { parseInput } from '@gaia/platform';
import type { IRouter } from 'express';
import { z } from 'zod';
import { writeGaiaEvents } from '../formats/gaia-events.js';
import { openSse } from '../streaming/sse.js';
import { chatCaller, clientGone } from './caller.js';
import { runFor, type ChatRouteDeps } from './chat-context.js';

const invalidateQuery = z.object({
  cache_type: z.string().min(1),
  user_id: z.string().optional(),
  activity: z.string().optional(),
});

// Personas and tools are read fresh for every reply (no process-local caches that replicas would disagree on).
const cacheStats = {
  persona_cache_entries: 0,
  tools_cache_entries: 0,
  persona_cache_keys: [],
  tools_cache_keys: [],
};

/**
 * v0.2 streaming: the Gaia event stream, its status and history, and the cache routes of the original.
 * @example v02StreamingRoutes(app, deps);
 */
export function v02StreamingRoutes(router: IRouter, deps: ChatRouteDeps): void {
  router.post('/api/v0.2/chat/stream', async (req, res) => {
    const body = parseInput(chatRequest, req.body);
    const run = runFor(body, chatCaller(res), 'stream', clientGone(req, res), deps.defaultMaxTokens);
    await writeGaiaEvents(openSse(res, { keepAliveMs: deps.keepAliveMs }), deps.engine.stream(run));
  });

  router.post('/api/v0.2/chat/stream/cache/invalidate', (req, res) => {
    const query = parseInput(invalidateQuery, req.query, 'query');
    res.json({
      status: 'success',
      cache_type: query.cache_type,
      invalidated_user: query.user_id ?? null,
      invalidated_activity: query.activity ?? null,
      timestamp: new Date().toISOString(),
    });
  });

  router.get('/api/v0.2/chat/stream/cache/status', (_req, res) => {
    res.json({ cache_stats: cacheStats, timestamp: new Date().toISOString() });
  });

  router.get('/api/v0.2/chat/stream/status', async (_req, res) => {
    const count = await deps.history.count(chatCaller(res).userId, 'stream');
    res.json({
      status: 'ready',
      performance_mode: 'optimized',
      message_count: count,
      has_history: count > 0,
      cache_status: cacheStats,
      capabilities: {
        sse_streaming: true,
        model_selection: true,
        cache_optimization: false,
        parallel_fetching: true,
      },
      timestamp: new Date().toISOString(),
    });
  });

  router.delete('/api/v0.2/chat/stream/history', async (_req, res) => {
    await deps.history.clear(chatCaller(res).userId, 'stream');
    res.json({
      status: 'success',
      message: 'Streaming chat history cleared',
      timestamp: new Date().toISOString(),
    });
  });
}
