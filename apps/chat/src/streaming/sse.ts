import type { Response } from 'express';

export interface SseStream {
  /** Writes one `data:` event (objects are JSON-encoded once). */
  data(payload: object | string): void;
  /** Writes a named event (`event:` line, as Anthropic streams). */
  event(name: string, payload: object): void;
  /** Ends the response (idempotent). */
  end(): void;
  /** True once the client has gone away. */
  readonly closed: boolean;
}

/**
 * Opens a server-sent event stream: headers flushed at once, never buffered or compressed at any hop,
 * and a keep-alive comment after every `keepAliveMs` of silence (a slow first token must not look
 * like a dead connection to proxies and clients).
 * @example const sse = openSse(res, { keepAliveMs: 5000 }); sse.data({ type: 'start' }); sse.data('[DONE]'); sse.end();
 */
export function openSse(res: Response, { keepAliveMs }: { keepAliveMs: number }): SseStream {
  res.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  let closed = false;
  res.once('close', () => {
    closed = true;
    clearInterval(keepAlive);
  });
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), keepAliveMs);
  const write = (text: string) => {
    if (closed || res.writableEnded) return;
    keepAlive.refresh();
    res.write(text);
  };
  return {
    data: (payload) => write(`data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`),
    event: (name, payload) => write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`),
    end: () => {
      clearInterval(keepAlive);
      if (!res.writableEnded) res.end();
    },
    get closed() {
      return closed;
    },
  };
}
