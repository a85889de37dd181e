import type { Request, RequestHandler, Response } from 'express';
import {
  AnthropicError,
  anthropicErrorHandler,
  respondWithAnthropicFault,
  setAnthropicRequestId,
} from './anthropic-errors.js';
import { createChatApi, replyToChat, type ChatApiContext, type ChatRequest } from './chat-api.js';
import type { ChatUpstream, RecordedMessage } from './chat-log.js';
import { contentText, estimateTokens } from './chat-text.js';
import { randomId } from './ids.js';
import { isJsonObject } from './json-body.js';
import { jsonAroundHole, openEventStream } from './sse.js';
import type { ReplyWriter } from './token-pacer.js';

/** Models the fake serves unless told otherwise. */
export const DEFAULT_ANTHROPIC_MODELS: readonly string[] = [
  'claude-sonnet-4-5',
  'claude-haiku-4-5',
  'claude-opus-4-1',
];

export interface AnthropicOptions {
  /** Model ids served; requests for others fail with 404 `not_found_error`. Default {@link DEFAULT_ANTHROPIC_MODELS}. */
  models?: readonly string[];
}

/** A validated `POST /v1/messages` body. */
interface MessagesRequest extends ChatRequest {
  system: string | undefined;
  maxTokens: number;
}

interface Reply {
  id: string;
  model: string;
  tokens: readonly string[];
  stopReason: 'end_turn' | 'max_tokens';
  inputTokens: number;
}

/**
 * Anthropic's Messages API (`POST /v1/messages`, plain and streamed) as `@anthropic-ai/sdk` expects it
 * (`baseURL: url`, no `/v1`). Requests need an API key (`x-api-key` or `Authorization: Bearer`, any
 * value) and an `anthropic-version` header (any value). Mounted at `/v1/messages`, ahead of OpenAI's `/v1`.
 * @example const anthropic = createAnthropic({ models: ['claude-haiku-4-5'] }); app.use(anthropic.basePath, anthropic.router);
 */
export function createAnthropic(options: AnthropicOptions = {}): ChatUpstream {
  return createChatApi({
    name: 'anthropic',
    basePath: '/v1/messages',
    models: options.models ?? DEFAULT_ANTHROPIC_MODELS,
    authenticate: requireApiHeaders,
    routes: (router, context) => {
      router.post('/', (req, res) => createMessage(context, req, res));
    },
    notFound: () => new AnthropicError(404, 'Not Found'),
    errorHandler: anthropicErrorHandler,
    respondWithFault: respondWithAnthropicFault,
  });
}

/** An API key as `x-api-key`, or as a bearer token, which `@anthropic-ai/sdk` 1.x sends; any key passes. */
const requireApiHeaders: RequestHandler = (req, res, next) => {
  setAnthropicRequestId(res);
  if (!req.get('x-api-key') && !/^Bearer \S+/i.test(req.get('authorization') ?? '')) {
    throw new AnthropicError(401, 'x-api-key header is required');
  }
  if (!req.get('anthropic-version')) throw new AnthropicError(400, 'anthropic-version: header is required');
  next();
};

function createMessage(context: ChatApiContext, req: Request, res: Response): void {
  const request = parseMessagesRequest(req.body);
  if (!context.models.has(request.model)) throw new AnthropicError(404, `model: ${request.model}`);
  const turn = {
    ...request,
    inputTokens: estimateTokens([
      request.system ?? '',
      ...request.messages.map((message) => contentText(message.content)),
    ]),
  };
  replyToChat(context, req, res, turn, ({ tokens, cutShort, inputTokens }) => {
    const reply: Reply = {
      id: randomId('msg_01', 22),
      model: request.model,
      tokens,
      stopReason: cutShort ? 'max_tokens' : 'end_turn',
      inputTokens,
    };
    return request.stream ? streamWriter(res, reply) : messageWriter(res, reply);
  });
}

/** The whole `message` object, sent when the last token is due. */
function messageWriter(res: Response, reply: Reply): ReplyWriter {
  return {
    fail: () => respondWithAnthropicFault(500, res.req, res),
    end: () => {
      res.json({
        id: reply.id,
        type: 'message',
        role: 'assistant',
        model: reply.model,
        content: [{ type: 'text', text: reply.tokens.join('') }],
        stop_reason: reply.stopReason,
        stop_sequence: null,
        usage: {
          ...messageUsage(reply.inputTokens),
          output_tokens: reply.tokens.length,
          service_tier: 'standard',
        },
      });
    },
  };
}

/**
 * Named events: `message_start`, `content_block_start`, `ping`, one `content_block_delta` (`text_delta`)
 * per token, `content_block_stop`, `message_delta` (stop reason and final usage), `message_stop`.
 */
function streamWriter(res: Response, reply: Reply): ReplyWriter {
  const event = (type: string, data: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const [beforeToken, afterToken] = jsonAroundHole((hole) => ({
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'text_delta', text: hole },
  }));
  openEventStream(res);
  return {
    begin: () =>
      res.write(
        event('message_start', {
          message: {
            id: reply.id,
            type: 'message',
            role: 'assistant',
            model: reply.model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { ...messageUsage(reply.inputTokens), output_tokens: 1, service_tier: 'standard' },
          },
        }) +
          event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }) +
          event('ping', {}),
      ),
    token: (text) =>
      res.write(`event: content_block_delta\ndata: ${beforeToken}${JSON.stringify(text)}${afterToken}\n\n`),
    end: () =>
      res.end(
        event('content_block_stop', { index: 0 }) +
          event('message_delta', {
            delta: { stop_reason: reply.stopReason, stop_sequence: null },
            usage: { ...messageUsage(reply.inputTokens), output_tokens: reply.tokens.length },
          }) +
          event('message_stop', {}),
      ),
    fail: () =>
      res.end(
        event('error', {
          error: { type: 'overloaded_error', message: 'Overloaded (fault injected by fake-upstream)' },
        }),
      ),
  };
}

/** The input side of `usage`; the fake never caches prompts. */
function messageUsage(inputTokens: number) {
  return { input_tokens: inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
}

function parseMessagesRequest(input: unknown): MessagesRequest {
  const body = isJsonObject(input) ? input : {};
  const { model, messages, system, max_tokens: maxTokens, stream = false } = body;
  if (typeof model !== 'string' || model === '') throw new AnthropicError(400, 'model: Field required');
  if (maxTokens === undefined) throw new AnthropicError(400, 'max_tokens: Field required');
  if (!Number.isSafeInteger(maxTokens) || (maxTokens as number) < 1) {
    throw new AnthropicError(400, 'max_tokens: Input should be greater than or equal to 1');
  }
  if (!Array.isArray(messages)) throw new AnthropicError(400, 'messages: Field required');
  messages.forEach((message: unknown, index) => {
    if (!isJsonObject(message) || (message.role !== 'user' && message.role !== 'assistant')) {
      throw new AnthropicError(400, `messages.${index}.role: Input should be 'user' or 'assistant'`);
    }
  });
  if (system !== undefined && typeof system !== 'string' && !Array.isArray(system)) {
    throw new AnthropicError(400, 'system: Input should be a valid string or a list of text blocks');
  }
  if (typeof stream !== 'boolean') throw new AnthropicError(400, 'stream: Input should be a valid boolean');
  return {
    body,
    model,
    messages: messages as RecordedMessage[],
    system: system === undefined ? undefined : contentText(system),
    maxTokens: maxTokens as number,
    stream,
  };
}
