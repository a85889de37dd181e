import type { Response } from 'express';

const HOLE = '\u0000hole\u0000';

/**
 * Starts a `text/event-stream` response and sends its headers at once, before the first event, as the
 * real APIs do (headers set earlier, such as the request id, go along).
 * @example openEventStream(res); res.write(`data: ${json}\n\n`);
 */
export function openEventStream(res: Response): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' });
  res.flushHeaders();
}

/**
 * Serializes an event once with a hole for one string value, so each token's event is
 * `before + JSON.stringify(text) + after` instead of a new object serialized per token.
 * @example const [before, after] = jsonAroundHole((hole) => ({ delta: { content: hole } }));
 */
export function jsonAroundHole(build: (hole: string) => unknown): readonly [before: string, after: string] {
  const json = JSON.stringify(build(HOLE));
  const at = json.indexOf(JSON.stringify(HOLE));
  return [json.slice(0, at), json.slice(at + JSON.stringify(HOLE).length)];
}
