import type { IRouter } from 'express';
import swaggerUi from 'swagger-ui-express';

const uiOptions = { customSiteTitle: 'Gaia Platform Gateway API' };

/**
 * `GET /openapi.json` and the interactive documentation at `/docs` (assets served locally, works offline).
 * @example docsRoutes(app, createOpenApiDocument(routes));
 */
export function docsRoutes(router: IRouter, document: object): void {
  const json = JSON.stringify(document);
  router.get('/openapi.json', (_req, res) => void res.type('json').send(json));
  // serveFiles (not serve) keeps this document per app instead of in swagger-ui-express's module state.
  router.use('/docs', swaggerUi.serveFiles(document, uiOptions), swaggerUi.setup(document, uiOptions));
}
