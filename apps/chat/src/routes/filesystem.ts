import { parseInput } from '@gaia/platform';
import type { IRouter } from 'express';
import { z } from 'zod';
import { createFileSandbox } from '../filesystem/file-sandbox.js';

const relativePath = z.string().max(4096);
const listQuery = z.object({ path: relativePath.default('.') });
const readBody = z.object({ path: relativePath.min(1) });

/**
 * `/api/v1/filesystem` (list a folder) and `/api/v1/filesystem/read` (one file), sandboxed to a root
 * folder; the original forwarded both to a router that was never mounted (Q2).
 * @example filesystemRoutes(app, { root: config.FILESYSTEM_ROOT, maxReadBytes: config.FILESYSTEM_MAX_READ_BYTES });
 */
export function filesystemRoutes(router: IRouter, options: { root: string; maxReadBytes: number }): void {
  const sandbox = createFileSandbox(options);
  router.get('/api/v1/filesystem', async (req, res) => {
    const { path } = parseInput(listQuery, req.query, 'query');
    res.json(await sandbox.list(path));
  });
  router.post('/api/v1/filesystem/read', async (req, res) => {
    const { path } = parseInput(readBody, req.body);
    res.json(await sandbox.read(path));
  });
}
