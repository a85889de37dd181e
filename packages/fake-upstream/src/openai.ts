import type { Request, RequestHandler, Response } from 'express';
import { createChatApi, replyToChat, type ChatApiContext, type ChatRequest } from './chat-api.js';
import type { ChatUpstream, RecordedMessage } from './chat-log.js';
import { contentText, estimateTokens } from './chat-text.js';
import { randomId } from './ids.js';
import { isJsonObject } from './json-body.js';
import {
  OpenAiError,
  openAiErrorHandler,
  respondWithOpenAiFault,
  setOpenAiRequestId,
} from './openai-errors.js';
import { jsonAroundHole, openEventStream } from './sse.js';
import type { ReplyWriter } from './token-pacer.js';

/** Models the fake serves unless told otherwise. */
export const DEFAULT_OPENAI_MODELS: readonly string[] = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'gpt-4.1'];

/** `created` of every listed model. */
const MODEL_CREATED = 1_715_367_049;
const SYSTEM_FINGERPRINT = 'fp_fa4e0057ab';

export interface OpenAiOptions {
  /** Model ids served; requests for others fail with 404 `model_not_found`. Default {@link DEFAULT_OPENAI_MODELS}. */
  models?: readonly string[];
}

/** A validated `POST /v1/chat/completions` body. */
interface CompletionRequest extends ChatRequest {
  includeUsage: boolean;
}

/**
 * OpenAI's Chat Completions API (`POST /v1/chat/completions`, plain and streamed) and `GET /v1/models`,
 * as the `openai` SDK expects them (`baseURL: url + '/v1'`). Any `Authorization: Bearer` key is accepted.
 * @example const openai = createOpenAi({ models: ['gpt-4o-mini'] }); app.use(openai.basePath, openai.router);
 */
export function createOpenAi(options: OpenAiOptions = {}): ChatUpstream {
  return createChatApi({
    name: 'openai',
    basePath: '/v1',
    models: options.models ?? DEFAULT_OPENAI_MODELS,
    authenticate: requireBearer,
    routes: (router, context) => {
      router.get('/models', (_req, res) => {
        res.json({
          object: 'list',
          data: [...context.models].map((id) => ({
            id,
            object: 'model',
            created: MODEL_CREATED,
            owned_by: 'system',
          })),
        });
      });
      router.post('/chat/completions', (req, res) => completeChat(context, req, res));
    },
    notFound: (req) =>
      new OpenAiError(404, `Invalid URL (${req.method} ${req.originalUrl.split('?', 1)[0]})`),
    errorHandler: openAiErrorHandler,
    respondWithFault: respondWithOpenAiFault,
  });
}

const requireBearer: RequestHandler = (req, res, next) => {
  setOpenAiRequestId(res);
  if (/^Bearer \S+/i.test(req.get('authorization') ?? '')) {
    next();
    return;
  }
  throw new OpenAiError(
    401,
    "You didn't provide an API key. You need to provide your API key in an Authorization header using " +
      'Bearer auth (i.e. Authorization: Bearer YOUR_KEY).',
  );
};

function completeChat(context: ChatApiContext, req: Request, res: Response): void {
  const request = parseCompletionRequest(req.body);
  if (!context.models.has(request.model)) {
    throw new OpenAiError(
      404,
      `The model \`${request.model}\` does not exist or you do not have access to it.`,
      'invalid_request_error',
      null,
      'model_not_found',
    );
  }
  const turn = {
    ...request,
    system: systemText(request.messages),
    inputTokens: estimateTokens(request.messages.map((message) => contentText(message.content))),
  };
  replyToChat(context, req, res, turn, ({ tokens, cutShort, inputTokens }) => {
    const reply: Reply = {
      id: randomId('chatcmpl-', 29),
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      tokens,
      finishReason: cutShort ? 'length' : 'stop',
      usage: usage(inputTokens, tokens.length),
    };
    return request.stream ? streamWriter(res, reply, request.includeUsage) : completionWriter(res, reply);
  });
}

interface Reply {
  id: string;
  created: number;
  model: string;
  tokens: readonly string[];
  finishReason: 'stop' | 'length';
  usage: ReturnType<typeof usage>;
}

/** The whole `chat.completion` object, sent when the last token is due. */
function completionWriter(res: Response, reply: Reply): ReplyWriter {
  return {
    fail: () => respondWithOpenAiFault(500, res.req, res),
    end: () => {
      res.json({
        id: reply.id,
        object: 'chat.completion',
        created: reply.created,
        model: reply.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: reply.tokens.join(''), refusal: null, annotations: [] },
            logprobs: null,
            finish_reason: reply.finishReason,
          },
        ],
        usage: reply.usage,
        service_tier: 'default',
        system_fingerprint: SYSTEM_FINGERPRINT,
      });
    },
  };
}

/**
 * `chat.completion.chunk` events: the role chunk, one chunk per token, the finish chunk, with
 * `include_usage` a last chunk with empty `choices` and the usage (earlier chunks then carry
 * `"usage": null`), then `data: [DONE]`.
 */
function streamWriter(res: Response, reply: Reply, includeUsage: boolean): ReplyWriter {
  const chunk = (choices: unknown[], chunkUsage: unknown = null) => ({
    id: reply.id,
    object: 'chat.completion.chunk',
    created: reply.created,
    model: reply.model,
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices,
    ...(includeUsage ? { usage: chunkUsage } : {}),
  });
  const choice = (delta: unknown, finishReason: string | null = null) => ({
    index: 0,
    delta,
    logprobs: null,
    finish_reason: finishReason,
  });
  const event = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;
  const [beforeToken, afterToken] = jsonAroundHole((hole) => chunk([choice({ content: hole })]));
  openEventStream(res);
  return {
    begin: () => res.write(event(chunk([choice({ role: 'assistant', content: '', refusal: null })]))),
    token: (text) => res.write(`data: ${beforeToken}${JSON.stringify(text)}${afterToken}\n\n`),
    end: () => {
      res.write(event(chunk([choice({}, reply.finishReason)])));
      if (includeUsage) res.write(event(chunk([], reply.usage)));
      res.end('data: [DONE]\n\n');
    },
    fail: () =>
      res.end(
        event({
          error: {
            message:
              'The server had an error while processing your request. (fault injected by fake-upstream)',
            type: 'server_error',
            param: null,
            code: null,
          },
        }),
      ),
  };
}

function usage(promptTokens: number, completionTokens: number) {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function parseCompletionRequest(input: unknown): CompletionRequest {
  const body = isJsonObject(input) ? input : {};
  const { model, messages, stream = false, stream_options: streamOptions } = body;
  if (typeof model !== 'string' || model === '') {
    throw new OpenAiError(400, 'you must provide a model parameter');
  }
  if (messages === undefined) {
    throw new OpenAiError(
      400,
      "Missing required parameter: 'messages'.",
      'invalid_request_error',
      'messages',
      'missing_required_parameter',
    );
  }
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new OpenAiError(
      400,
      "Invalid 'messages': expected a non-empty array.",
      'invalid_request_error',
      'messages',
      'invalid_value',
    );
  }
  messages.forEach((message: unknown, index) => {
    if (!isJsonObject(message) || typeof message.role !== 'string') {
      const param = `messages[${index}].role`;
      throw new OpenAiError(
        400,
        `Missing required parameter: '${param}'.`,
        'invalid_request_error',
        param,
        'missing_required_parameter',
      );
    }
  });
  if (typeof stream !== 'boolean') {
    throw new OpenAiError(
      400,
      `Invalid type for 'stream': expected a boolean, but got ${typeof stream} instead.`,
      'invalid_request_error',
      'stream',
      'invalid_type',
    );
  }
  const maxTokensParam = body.max_completion_tokens === undefined ? 'max_tokens' : 'max_completion_tokens';
  const maxTokens = body[maxTokensParam] ?? undefined;
  if (maxTokens !== undefined && !(Number.isSafeInteger(maxTokens) && (maxTokens as number) >= 1)) {
    throw new OpenAiError(
      400,
      `Invalid '${maxTokensParam}': expected an integer >= 1.`,
      'invalid_request_error',
      maxTokensParam,
      'invalid_value',
    );
  }
  return {
    body,
    model,
    messages: messages as RecordedMessage[],
    stream,
    includeUsage: isJsonObject(streamOptions) && streamOptions.include_usage === true,
    maxTokens: maxTokens as number | undefined,
  };
}

/** The system prompt as OpenAI models see it: the `system` and `developer` messages. */
function systemText(messages: readonly RecordedMessage[]): string | undefined {
  const texts = messages
    .filter((message) => message.role === 'system' || message.role === 'developer')
    .map((message) => contentText(message.content));
  return texts.length === 0 ? undefined : texts.join('\n');
}
