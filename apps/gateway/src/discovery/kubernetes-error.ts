import { ApiException } from '@kubernetes/client-node';

function statusMessage(body: unknown): string | undefined {
  try {
    const status = (typeof body === 'string' ? JSON.parse(body) : body) as { message?: unknown } | null;
    return typeof status?.message === 'string' ? status.message : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One log-friendly line for a Kubernetes client failure: the HTTP status and the API server's own
 * message, without the response headers the client puts in its error messages.
 * @example logger.warn('cannot read HorizontalPodAutoscaler', { error: describeKubernetesError(error) });
 */
export function describeKubernetesError(error: unknown): string {
  if (error instanceof ApiException)
    return `HTTP ${error.code}: ${statusMessage(error.body) ?? 'no message'}`;
  const message = error instanceof Error ? error.message : String(error);
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? `HTTP ${status}: ${message}` : message;
}
