// Types of scripts/chart-deps.mjs for the TypeScript tests.
/** Absolute path of charts/gaia-lib. */
export const libraryDir: string;
/** Absolute path of charts/gaia. */
export const umbrellaDir: string;
/** Chart directories that declare gaia-lib as a dependency. */
export function dependentCharts(): string[];
/** Vendors charts/gaia-lib into every dependent chart whose copy is missing or stale. */
export function ensureChartDeps(): void;
/** Path of the Helm binary, downloaded into .tools/ on first use (re-exported from scripts/helm.mjs). */
export function ensureHelm(): string;
