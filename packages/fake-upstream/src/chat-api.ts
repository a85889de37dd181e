import express, {
  type ErrorRequestHandler,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from 'express';
import {
  createChatState,
  recordChatRequest,
  recordClientDisconnect,
  type ChatRequestRecord,
  type ChatUpstream,
  type ChatUpstreamState,
  type RecordedMessage,
} from './chat-log.js';
import { lastUserText, replyTokens } from './chat-text.js';
import { parseJsonBody } from './json-body.js';
import { requestKnobs, type FaultResponder } from './knobs.js';
import { paceReply, type ReplyWriter } from './token-pacer.js';

/** What the endpoints of one chat API share: what it received, and the models it serves. */
export interface ChatApiContext {
  state: ChatUpstreamState;
  models: ReadonlySet<string>;
}

export interface ChatApiOptions {
  name: string;
  basePath: string;
  models: readonly string[];
  /** Checks the API's key headers before the body is parsed; gives the response the API's request id. */
  authenticate: RequestHandler;
  /** Mounts the API's endpoints. */
  routes(router: Router, context: ChatApiContext): void;
  /** The API's error for a path it does not serve. */
  notFound(req: Request): Error;
  /** Renders thrown errors in the API's format. */
  errorHandler: ErrorRequestHandler;
  respondWithFault: FaultResponder;
}

/**
 * A chat upstream: the API's endpoints behind its key check and a JSON body parser, with its own 404
 * and error format, over fresh request records.
 * @example return createChatApi({ name: 'openai', basePath: '/v1', models, authenticate, routes, notFound, errorHandler, respondWithFault });
 */
export function createChatApi(options: ChatApiOptions): ChatUpstream {
  const context: ChatApiContext = { state: createChatState(), models: new Set(options.models) };
  const router = express.Router();
  router.use(options.authenticate, parseJsonBody());
  options.routes(router, context);
  router.use((req) => {
    throw options.notFound(req);
  });
  router.use(options.errorHandler);
  return {
    name: options.name,
    basePath: options.basePath,
    router,
    respondWithFault: options.respondWithFault,
    state: context.state,
    describeState: () => context.state,
  };
}

/** What every chat API's generation request carries, once validated. */
export interface ChatRequest {
  /** The whole JSON body. */
  body: Record<string, unknown>;
  model: string;
  messages: RecordedMessage[];
  stream: boolean;
  /** The client's cap on reply tokens, if any. */
  maxTokens: number | undefined;
}

/** A generation request with what the API makes of its prompt, as it is recorded. */
export type ChatTurn = ChatRequest & Pick<ChatRequestRecord, 'system' | 'inputTokens'>;

/** The reply to write, as the knobs and the request's token cap shape it. */
export interface PlannedReply {
  tokens: readonly string[];
  /** True when the token cap cut the reply short of the length the knobs ask for. */
  cutShort: boolean;
  inputTokens: number;
}

/**
 * Answers a generation request: plans the reply tokens under the request's knobs, records the request,
 * and releases the reply on schedule through the API's writer.
 * @example replyToChat(context, req, res, turn, (reply) => messageWriter(res, reply));
 */
export function replyToChat(
  context: ChatApiContext,
  req: Request,
  res: Response,
  turn: ChatTurn,
  writerFor: (reply: PlannedReply) => ReplyWriter,
): void {
  const knobs = requestKnobs(res);
  const tokens = replyTokens(lastUserText(turn.messages), Math.min(knobs.tokens, turn.maxTokens ?? Infinity));
  const record = recordChatRequest(context.state, {
    model: turn.model,
    stream: turn.stream,
    system: turn.system,
    messages: turn.messages,
    body: turn.body,
    headers: { ...req.headers },
    inputTokens: turn.inputTokens,
    outputTokens: tokens.length,
    aborted: false,
  });
  paceReply({
    res,
    tokens,
    knobs,
    writer: writerFor({ tokens, cutShort: tokens.length < knobs.tokens, inputTokens: record.inputTokens }),
    onClientDisconnect: () => recordClientDisconnect(context.state, record),
  });
}
