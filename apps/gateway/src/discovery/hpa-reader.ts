import { AutoscalingV2Api, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '@gaia/platform';
import { describeKubernetesError } from './kubernetes-error.js';

/** What an HPA says about its target's replicas. */
export interface HpaReplicas {
  current_replicas: number | null;
  desired_replicas: number | null;
  min_replicas: number;
  max_replicas: number;
}

export interface HpaReaderOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  /** How long an answer (or its absence) is reused. */
  ttlMs: number;
  logger: Logger;
  now?: () => number;
}

/**
 * Reads autoscaling/v2 HPAs by name, each answer cached for `ttlMs` and shared by concurrent callers.
 * A missing HPA reads as null; so does one that cannot be read, with a warning.
 * @example const replicas = await createHpaReader({ kubeConfig, namespace, ttlMs: 5000, logger })('gaia-chat');
 */
export function createHpaReader(options: HpaReaderOptions): (name: string) => Promise<HpaReplicas | null> {
  const { kubeConfig, namespace, ttlMs, logger, now = Date.now } = options;
  const api = kubeConfig.makeApiClient(AutoscalingV2Api);
  const cache = new Map<string, { expires: number; replicas: Promise<HpaReplicas | null> }>();

  const read = async (name: string): Promise<HpaReplicas | null> => {
    try {
      const { spec, status } = await api.readNamespacedHorizontalPodAutoscaler({ name, namespace });
      return {
        current_replicas: status?.currentReplicas ?? null,
        desired_replicas: status?.desiredReplicas ?? null,
        min_replicas: spec?.minReplicas ?? 1,
        max_replicas: spec?.maxReplicas ?? 0,
      };
    } catch (error) {
      if ((error as { code?: unknown }).code !== 404)
        logger.warn('cannot read HorizontalPodAutoscaler', {
          hpa: name,
          error: describeKubernetesError(error),
        });
      return null;
    }
  };

  return (name) => {
    const cached = cache.get(name);
    if (cached && cached.expires > now()) return cached.replicas;
    const replicas = read(name);
    cache.set(name, { expires: now() + ttlMs, replicas });
    return replicas;
  };
}
