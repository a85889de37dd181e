// Runs the real Helm binary (scripts/helm.mjs) against the Gaia charts, with the library chart vendored
// first (scripts/chart-deps.mjs), for the chart tests.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { ensureChartDeps, ensureHelm } from '../../../scripts/chart-deps.mjs';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');
export const chartDir = join(repoRoot, 'charts/gaia');
/** The Kubernetes versions the chart is rendered and linted at: Chart.yaml's kubeVersion floor and the newest. */
export const supportedKubeVersions = ['1.30.0', '1.35.0'] as const;

let helmPath: string | undefined;

function prepare(): string {
  const path = ensureHelm();
  ensureChartDeps();
  return path;
}

/**
 * Runs helm with `args` in the repository root and returns its stdout; throws with stderr when it fails.
 * @example helm(['lint', '--strict', '--with-subcharts', 'charts/gaia']);
 */
export function helm(args: string[]): string {
  helmPath ??= prepare();
  const result = spawnSync(helmPath, args, { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0)
    throw new Error(
      `helm ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr || String(result.error)}`,
    );
  return result.stdout;
}

export interface RenderOptions {
  /** Values files (relative to the repository root or absolute), in order. */
  values?: string[];
  /** --set overrides, e.g. { 'chat.autoscaling.hpa.enabled': 'true' }. */
  set?: Record<string, string>;
  /** --kube-version, e.g. '1.30.0'. */
  kubeVersion?: string;
}

/**
 * `helm template` of charts/gaia as release `gaia` in namespace `gaia`, parsed into objects (empty
 * documents dropped). Throws when rendering fails or the output is not valid YAML.
 * @example const objects = renderChart({ values: ['charts/gaia/ci/ha-values.yaml'], kubeVersion: '1.30.0' });
 */
export function renderChart(options: RenderOptions = {}): unknown[] {
  const args = ['template', 'gaia', chartDir, '--namespace', 'gaia'];
  for (const file of options.values ?? []) args.push('--values', file);
  for (const [key, value] of Object.entries(options.set ?? {})) args.push('--set', `${key}=${value}`);
  if (options.kubeVersion) args.push('--kube-version', options.kubeVersion);
  // YAML 1.1, as kubectl and the API server read it (a bare Off is false there).
  const documents = parseAllDocuments(helm(args), { version: '1.1' });
  const objects: unknown[] = [];
  for (const document of documents) {
    if (document.errors.length > 0)
      throw new Error(`helm template output is not YAML: ${document.errors[0]?.message}`);
    const object: unknown = document.toJS();
    if (object !== null && object !== undefined) objects.push(object);
  }
  return objects;
}
