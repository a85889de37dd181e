import { anthropicMessagesRequest, openAiChatRequest, type OpenAiChatRequest } from '@gaia/contracts';
import { anthropicErrorBody, openAiErrorBody, parseInput, useErrorShape } from '@gaia/platform';
import type { IRouter, Request, Response } from 'express';
import type { ChatCaller } from '../chat/chat-engine.js';
import { fromAnthropicMessages, fromOpenAiMessages } from '../chat/sdk-messages.js';
import { anthropicMessage, writeAnthropicEvents } from '../formats/anthropic-format.js';
import { completionIdentity, openAiCompletion, writeOpenAiChunks } from '../formats/openai-format.js';
import { asHttpError } from '../formats/provider-failure.js';
import { openSse } from '../streaming/sse.js';
import { chatCaller, clientGone } from './caller.js';
import type { ChatRouteDeps } from './chat-context.js';

/**
 * Answers an OpenAI chat completion request (stateless: the client sends the whole conversation).
 * Shared by `/v1/chat/completions` and the `messages` form of `/api/v1/chat/completions`.
 * @example await answerOpenAi(req, res, body, chatCaller(res), deps);
 */
export async function answerOpenAi(
  req: Request,
  res: Response,
  body: OpenAiChatRequest,
  caller: ChatCaller,
  deps: ChatRouteDeps,
) {
  const { system, turns } = fromOpenAiMessages(body.messages);
  const run = {
    caller,
    channel: null,
    selection: { model: body.model },
    system,
    messages: turns,
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? deps.defaultMaxTokens,
    temperature: body.temperature ?? undefined,
    enableFallback: true,
    signal: clientGone(req, res),
  };
  if (body.stream) {
    await writeOpenAiChunks(openSse(res, { keepAliveMs: deps.keepAliveMs }), deps.engine.stream(run), {
      includeUsage: body.stream_options?.include_usage === true,
      requestedModel: body.model,
    });
    return;
  }
  const { result } = await deps.engine.reply(run).catch((error: unknown) => {
    throw asHttpError(error);
  });
  res.json(openAiCompletion(result, completionIdentity()));
}

/**
 * OpenAI-compatible `/v1/chat/completions` and Anthropic-compatible `/v1/messages`, answered in the
 * SDKs' own shapes (errors included), so the official clients work unchanged.
 * @example sdkCompatibleRoutes(app, deps);
 */
export function sdkCompatibleRoutes(router: IRouter, deps: ChatRouteDeps): void {
  router.post('/v1/chat/completions', async (req, res) => {
    useErrorShape(req, openAiErrorBody);
    await answerOpenAi(req, res, parseInput(openAiChatRequest, req.body), chatCaller(res), deps);
  });

  router.post('/v1/messages', async (req, res) => {
    useErrorShape(req, anthropicErrorBody);
    const body = parseInput(anthropicMessagesRequest, req.body);
    const { system, turns } = fromAnthropicMessages(body);
    const run = {
      caller: chatCaller(res),
      channel: null,
      selection: { model: body.model },
      system,
      messages: turns,
      maxTokens: body.max_tokens,
      temperature: body.temperature ?? undefined,
      enableFallback: true,
      signal: clientGone(req, res),
    };
    if (body.stream) {
      await writeAnthropicEvents(
        openSse(res, { keepAliveMs: deps.keepAliveMs }),
        deps.engine.stream(run),
        body.model,
      );
      return;
    }
    const { result } = await deps.engine.reply(run).catch((error: unknown) => {
      throw asHttpError(error);
    });
    res.json(anthropicMessage(result));
  });
}
