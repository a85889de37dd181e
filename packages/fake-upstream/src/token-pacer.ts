import type { Response } from 'express';
import type { RequestKnobs } from './knobs.js';

/** Tokens a stream fault (`stall`, `reset-mid-stream`, `error-mid-stream`) lets through before it strikes. */
export const TOKENS_BEFORE_STREAM_FAULT = 3;

/** Most tokens written in one timer callback, so a backlog (gap 0, many tokens) cannot block the loop. */
const MAX_TOKENS_PER_TICK = 256;

/** Writes one reply in an API's wire format as the pacer releases it. */
export interface ReplyWriter {
  /** Once, when the first token is due (for an empty reply: when it ends), before the first `token`. */
  begin?(): void;
  token?(text: string): void;
  /** After the last token; must end the response. */
  end(): void;
  /** Instead of `end` under `error-mid-stream`: reports a server error as the API does; must end the response. */
  fail(): void;
}

export interface PaceReplyInput {
  res: Response;
  tokens: readonly string[];
  knobs: RequestKnobs;
  writer: ReplyWriter;
  /** Called once when the client closes the connection before the reply ended. */
  onClientDisconnect: () => void;
}

/**
 * Releases a reply on schedule: token i is due `ttftMs + i * gapMs` after this call, the end comes with
 * the last token. One timer per reply, re-armed for the next due time; due times are absolute, so timer
 * lateness does not accumulate, and a timer that fires early is re-armed, so no token comes before its
 * time. A stream fault lets {@link TOKENS_BEFORE_STREAM_FAULT} tokens through, then `stall` stops (the
 * response stays open) and `reset-mid-stream` resets the connection. When the client goes away first,
 * the timer stops and `onClientDisconnect` is called.
 * @example paceReply({ res, tokens, knobs: requestKnobs(res), writer: { end: () => res.json(body) }, onClientDisconnect });
 */
export function paceReply({ res, tokens, knobs, writer, onClientDisconnect }: PaceReplyInput): void {
  if (res.destroyed) {
    onClientDisconnect();
    return;
  }
  const fault = knobs.takeStreamFault();
  const releasable = fault === 'none' ? tokens.length : Math.min(TOKENS_BEFORE_STREAM_FAULT, tokens.length);
  const start = performance.now();
  const { ttftMs, gapMs } = knobs;
  const dueAt = (index: number) => start + ttftMs + index * gapMs;
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  let resetByFault = false;

  const arm = (now: number) => {
    timer = setTimeout(tick, Math.max(0, Math.ceil(dueAt(sent) - now)));
  };
  const tick = () => {
    const now = performance.now();
    if (now < dueAt(sent)) {
      arm(now);
      return;
    }
    if (sent === 0) writer.begin?.();
    for (let budget = MAX_TOKENS_PER_TICK; sent < releasable && budget > 0 && dueAt(sent) <= now; budget--) {
      writer.token?.(tokens[sent]!);
      sent += 1;
    }
    if (sent < releasable) {
      arm(now);
      return;
    }
    switch (fault) {
      case 'none':
        writer.end();
        return;
      case 'stall':
        return;
      case 'error-mid-stream':
        writer.fail();
        return;
      case 'reset-mid-stream':
        resetByFault = true;
        // res.write corks the socket until the next tick: reset once the tokens went out.
        setImmediate(() => res.socket?.resetAndDestroy());
        return;
    }
  };

  res.once('close', () => {
    clearTimeout(timer);
    if (!res.writableEnded && !resetByFault) onClientDisconnect();
  });
  arm(start);
}
