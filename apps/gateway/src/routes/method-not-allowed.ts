import type { RouteContract } from '@gaia/contracts';
import { HttpError } from '@gaia/platform';
import type { IRouter } from 'express';

/**
 * A known path called with a method it does not serve gets 405 `Method Not Allowed` with an `Allow`
 * header; mount after every route so only the leftovers arrive here.
 * @example methodNotAllowed(app, routes);
 */
export function methodNotAllowed(router: IRouter, routeList: readonly RouteContract[]): void {
  const methods = new Map<string, Set<string>>();
  for (const { path, method } of routeList) {
    const allowed = methods.get(path) ?? new Set<string>();
    allowed.add(method.toUpperCase());
    if (method === 'get') allowed.add('HEAD');
    methods.set(path, allowed);
  }
  for (const [path, allowed] of methods) {
    const error = new HttpError(405, 'Method Not Allowed', { Allow: [...allowed].join(', ') });
    router.all(path, () => {
      throw error;
    });
  }
}
