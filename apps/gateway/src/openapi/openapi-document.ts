import type { RouteContract } from '@gaia/contracts';
import { z } from 'zod';

const PARAM = /:(\w+)/g;
const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/HTTPError' } } },
});

function requestBodySchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
}

function operation(route: RouteContract) {
  const parameters = [...route.path.matchAll(PARAM)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const authenticated = route.access === 'authenticated';
  return {
    operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+(\w?)/g, (_, next: string) => next.toUpperCase())}`,
    summary: route.summary,
    tags: [route.group],
    ...(parameters.length ? { parameters } : {}),
    ...(authenticated ? { security: [{ ApiKeyHeader: [] }, { BearerJWT: [] }] } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: requestBodySchema(route.body) } },
          },
        }
      : {}),
    responses: {
      200: { description: 'Success' },
      ...(authenticated
        ? { 401: errorResponse('No usable credentials'), 403: errorResponse('API key not valid') }
        : {}),
      ...(route.body ? { 422: errorResponse('Body does not match the schema') } : {}),
    },
  };
}

/**
 * The gateway's OpenAPI 3.1 document, generated from the route contracts: every path and method with
 * its summary, group tag, security and (where the contract has one) request body schema.
 * @example app.get('/openapi.json', (_req, res) => res.json(createOpenApiDocument(routes)));
 */
export function createOpenApiDocument(routeList: readonly RouteContract[]) {
  const paths: Record<string, Record<string, ReturnType<typeof operation>>> = {};
  for (const route of routeList)
    (paths[route.path.replace(PARAM, '{$1}')] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gaia Platform Gateway',
      version: '0.2',
      description:
        'One endpoint for chat, streaming, assets, personas, pricing and usage. Authenticate with `X-API-Key` or ' +
        '`Authorization: Bearer <JWT>`; the OpenAI- and Anthropic-compatible routes also take the API key as their SDKs send it.',
    },
    tags: [...new Set(routeList.map((route) => route.group))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        ApiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        BearerJWT: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      },
      schemas: {
        HTTPError: {
          type: 'object',
          required: ['detail'],
          properties: {
            detail: { description: 'What went wrong: a message, or the list of invalid fields' },
          },
        },
      },
    },
  };
}
