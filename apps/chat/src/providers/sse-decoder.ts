import { createParser, type EventSourceMessage } from 'eventsource-parser';

/**
 * Splits a streamed response body into server-sent events: give it each network read, get back the
 * events that read completed. The adapters let the SDKs send the request and raise HTTP errors but
 * read the stream with this: the SDKs' own stream readers cost several times more CPU per event, and
 * a chat reply is hundreds of events. Synchronous, so it adds no async step per event.
 * @example const decode = sseDecoder(); for await (const bytes of response.body) for (const { data } of decode(bytes)) { ... }
 */
export function sseDecoder(): (bytes: Uint8Array) => EventSourceMessage[] {
  const decoder = new TextDecoder();
  let completed: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => void completed.push(message) });
  return (bytes) => {
    parser.feed(decoder.decode(bytes, { stream: true }));
    const events = completed;
    completed = [];
    return events;
  };
}
