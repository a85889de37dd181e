#!/usr/bin/env node
// Vendors the library chart charts/gaia-lib into every chart that depends on it (the umbrella and each
// service subchart), as `helm dependency build` would, but with one `helm package` and no repository
// index: fast, offline, and safe when several processes run it at once. The .tgz files are gitignored;
// a fresh clone runs this (the chart tests do it themselves) before `helm lint` / `helm template`.
// Usage: node scripts/chart-deps.mjs          (or import { ensureChartDeps })
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { ensureHelm } from './helm.mjs';

// Re-exported so TypeScript callers get both from one typed module (chart-deps.d.mts).
export { ensureHelm };

const root = dirname(dirname(fileURLToPath(import.meta.url)));
export const libraryDir = join(root, 'charts/gaia-lib');
export const umbrellaDir = join(root, 'charts/gaia');

/** Chart directories that declare gaia-lib as a dependency: the umbrella and charts/gaia/charts/*. */
export function dependentCharts() {
  const subcharts = readdirSync(join(umbrellaDir, 'charts'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(umbrellaDir, 'charts', entry.name));
  return [umbrellaDir, ...subcharts].filter((dir) => {
    const chart = parse(readFileSync(join(dir, 'Chart.yaml'), 'utf8'));
    return (chart.dependencies ?? []).some((dependency) => dependency.name === 'gaia-lib');
  });
}

function newestChange(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .reduce((newest, entry) => Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs), 0);
}

/** Packages gaia-lib into <chart>/charts/ of every dependent chart whose copy is missing or older than the library. */
export function ensureChartDeps() {
  const { version } = parse(readFileSync(join(libraryDir, 'Chart.yaml'), 'utf8'));
  const archive = `gaia-lib-${version}.tgz`;
  const changed = newestChange(libraryDir);
  const stale = dependentCharts().filter((dir) => {
    const target = join(dir, 'charts', archive);
    return !existsSync(target) || statSync(target).mtimeMs < changed;
  });
  if (stale.length === 0) return;
  // Staged under .tools (same filesystem, outside every chart), so a rename puts each archive in place
  // at once: Helm treats any file in charts/ as a chart, a half-copied one included.
  mkdirSync(join(root, '.tools'), { recursive: true });
  const work = mkdtempSync(join(root, '.tools', 'chart-deps-'));
  try {
    const result = spawnSync(ensureHelm(), ['package', libraryDir, '--destination', work], {
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`helm package charts/gaia-lib failed: ${result.stderr}`);
    stale.forEach((dir, index) => {
      const charts = join(dir, 'charts');
      mkdirSync(charts, { recursive: true });
      const staged = join(work, `${archive}.${index}`);
      copyFileSync(join(work, archive), staged);
      renameSync(staged, join(charts, archive));
      for (const old of readdirSync(charts).filter(
        (name) => /^gaia-lib-.*\.tgz$/.test(name) && name !== archive,
      ))
        rmSync(join(charts, old), { force: true });
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureChartDeps();
