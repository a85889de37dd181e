import { createParser, type EventSourceMessage } from 'eventsource-parser';

/**
 * The server-sent events of a streamed response body, one at a time. The adapters let the SDKs send
 * the request and raise HTTP errors, but read the stream here: the SDKs' own stream readers cost
 * several times more CPU per event, and a chat reply is hundreds of events.
 * @example for await (const { event, data } of sseEvents(response.body)) { ... }
 */
export async function* sseEvents(
  body: ReadableStream<Uint8Array> | null,
): AsyncGenerator<EventSourceMessage> {
  if (!body) return;
  const decoder = new TextDecoder();
  let parsed: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => void parsed.push(message) });
  for await (const bytes of body) {
    parser.feed(decoder.decode(bytes, { stream: true }));
    if (parsed.length === 0) continue;
    const ready = parsed;
    parsed = [];
    yield* ready;
  }
}
