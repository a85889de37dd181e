import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { filesystemRoutes } from '../src/routes/filesystem.js';
import { startRouteServer, type RouteServer } from './support/route-server.js';

const LIST = '/api/v1/filesystem';
const READ = '/api/v1/filesystem/read';
const MAX_READ_BYTES = 64;

describe('filesystem routes over HTTP', () => {
  const binary = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0x10]);
  let temp: string;
  let root: string;
  let server: RouteServer;

  async function start(sandboxRoot: string) {
    server = await startRouteServer((router) =>
      filesystemRoutes(router, { root: sandboxRoot, maxReadBytes: MAX_READ_BYTES }),
    );
  }

  const call = (
    method: 'GET' | 'POST',
    route: string,
    { json, signed = true }: { json?: unknown; signed?: boolean } = {},
  ) => server.call(method, route, signed ? { json } : { json, identity: null });
  const list = (relative?: string) =>
    call('GET', relative === undefined ? LIST : `${LIST}?path=${encodeURIComponent(relative)}`);
  const read = (relative: unknown) => call('POST', READ, { json: { path: relative } });

  before(async () => {
    temp = await mkdtemp(path.join(tmpdir(), 'gaia-fs-'));
    root = path.join(temp, 'root');
    const outside = path.join(temp, 'outside');
    await mkdir(path.join(root, 'docs'), { recursive: true });
    await mkdir(outside);
    await writeFile(path.join(root, 'hello.txt'), 'héllo wörld\n');
    await writeFile(path.join(root, 'image.png'), binary);
    await writeFile(path.join(root, 'big.txt'), 'x'.repeat(MAX_READ_BYTES + 1));
    await writeFile(path.join(root, 'docs', 'a.md'), '# A\n');
    await writeFile(path.join(outside, 'secret.txt'), 'top secret');
    await symlink(path.join(outside, 'secret.txt'), path.join(root, 'secret-link'));
    await symlink(outside, path.join(root, 'outside-dir'));
    await symlink('docs', path.join(root, 'docs-link'));
    await symlink(path.join(root, 'docs', 'a.md'), path.join(root, 'a-link.md'));
    await symlink(path.join(root, 'nowhere'), path.join(root, 'dangling'));
    await start(root);
  });
  after(async () => {
    await server.stop(1000);
    await rm(temp, { recursive: true, force: true });
  });

  it('refuses calls without the gateway identity with 401', async () => {
    expect((await call('GET', LIST, { signed: false })).status).to.equal(401);
    expect((await call('POST', READ, { json: { path: 'hello.txt' }, signed: false })).status).to.equal(401);
  });

  describe('GET /api/v1/filesystem', () => {
    it('lists the root by default: name, path, type, size and modified, leaving out links that leave it', async () => {
      const { status, body } = await list();
      expect(status).to.equal(200);
      expect(body.path).to.equal('.');
      expect(body.total).to.equal(body.entries.length);
      const entries = Object.fromEntries(body.entries.map((e: { name: string }) => [e.name, e]));
      expect(Object.keys(entries)).to.deep.equal([
        'a-link.md',
        'big.txt',
        'docs',
        'docs-link',
        'hello.txt',
        'image.png',
      ]);
      const hello = await stat(path.join(root, 'hello.txt'));
      expect(entries['hello.txt']).to.deep.equal({
        name: 'hello.txt',
        path: 'hello.txt',
        type: 'file',
        size: Buffer.byteLength('héllo wörld\n'),
        modified: hello.mtime.toISOString(),
      });
      expect(entries.docs).to.deep.include({ type: 'directory', size: null });
      expect(entries['docs-link']).to.deep.include({ type: 'directory', path: 'docs-link' });
      expect(entries['a-link.md']).to.deep.include({ type: 'file', size: 4 });
    });

    it('lists a subfolder, also through a symlinked folder that stays inside the root', async () => {
      for (const folder of ['docs', 'docs-link', './docs/']) {
        const { status, body } = await list(folder);
        expect(status, folder).to.equal(200);
        expect(body.entries.map((e: { path: string; type: string }) => [e.path, e.type])).to.deep.equal([
          [`${folder === './docs/' ? 'docs' : folder}/a.md`, 'file'],
        ]);
      }
    });

    it('refuses traversal and absolute paths with 400 naming them', async () => {
      for (const bad of ['..', '../root', 'docs/../../outside', 'docs\\..\\..']) {
        const reply = await list(bad);
        expect(reply.status, bad).to.equal(400);
        expect(reply.body).to.deep.equal({ detail: `Path traversal is not allowed: ${bad}` });
      }
      for (const absolute of ['/etc', path.join(temp, 'outside'), 'C:\\Windows']) {
        const reply = await list(absolute);
        expect(reply.status, absolute).to.equal(400);
        expect(reply.body).to.deep.equal({ detail: `Absolute paths are not allowed: ${absolute}` });
      }
    });

    it('refuses a symlinked folder that leads outside the root with 403', async () => {
      const reply = await list('outside-dir');
      expect(reply.status).to.equal(403);
      expect(reply.body).to.deep.equal({ detail: 'Path resolves outside the filesystem root: outside-dir' });
    });

    it('answers a missing path with 404 naming it and a file with 400', async () => {
      const missing = await list('nope/deeper');
      expect(missing.status).to.equal(404);
      expect(missing.body).to.deep.equal({ detail: 'Path not found: nope/deeper' });
      const dangling = await list('dangling');
      expect(dangling.status).to.equal(404);
      const file = await list('hello.txt');
      expect(file.status).to.equal(400);
      expect(file.body).to.deep.equal({ detail: 'Path is not a directory: hello.txt' });
    });
  });

  describe('POST /api/v1/filesystem/read', () => {
    it('answers a text file as utf-8 with its size in bytes', async () => {
      const { status, body } = await read('hello.txt');
      expect(status).to.equal(200);
      expect(body).to.deep.equal({
        path: 'hello.txt',
        content: 'héllo wörld\n',
        size: Buffer.byteLength('héllo wörld\n'),
        encoding: 'utf-8',
      });
    });

    it('answers a binary file as base64', async () => {
      const { status, body } = await read('image.png');
      expect(status).to.equal(200);
      expect(body).to.deep.equal({
        path: 'image.png',
        content: binary.toString('base64'),
        size: binary.length,
        encoding: 'base64',
      });
    });

    it('reads through symlinks that stay inside the root', async () => {
      for (const [link, expected] of [
        ['docs-link/a.md', 'docs-link/a.md'],
        ['a-link.md', 'a-link.md'],
      ]) {
        const { status, body } = await read(link);
        expect(status, link).to.equal(200);
        expect(body).to.deep.include({ path: expected, content: '# A\n' });
      }
    });

    it('refuses symlinks whose target is outside the root with 403', async () => {
      for (const link of ['secret-link', 'outside-dir/secret.txt']) {
        const reply = await read(link);
        expect(reply.status, link).to.equal(403);
        expect(reply.body).to.deep.equal({ detail: `Path resolves outside the filesystem root: ${link}` });
      }
    });

    it('refuses traversal and absolute paths with 400', async () => {
      const traversal = await read('../outside/secret.txt');
      expect(traversal.status).to.equal(400);
      expect(traversal.body).to.deep.equal({
        detail: 'Path traversal is not allowed: ../outside/secret.txt',
      });
      const absolute = await read(path.join(temp, 'outside', 'secret.txt'));
      expect(absolute.status).to.equal(400);
      expect(absolute.body.detail).to.match(/^Absolute paths are not allowed: /);
      const nul = await read('hello.txt\u0000.png');
      expect(nul.status).to.equal(400);
    });

    it('answers a file above the size limit with 413', async () => {
      const reply = await read('big.txt');
      expect(reply.status).to.equal(413);
      expect(reply.body).to.deep.equal({
        detail: `File big.txt is ${MAX_READ_BYTES + 1} bytes, larger than the limit of ${MAX_READ_BYTES} bytes`,
      });
    });

    it('answers a folder with 400, a missing file with 404 naming it, and a bad body with 422', async () => {
      const folder = await read('docs');
      expect(folder.status).to.equal(400);
      expect(folder.body).to.deep.equal({ detail: 'Path is a directory, not a file: docs' });
      const missing = await read('docs/b.md');
      expect(missing.status).to.equal(404);
      expect(missing.body).to.deep.equal({ detail: 'Path not found: docs/b.md' });
      for (const body of [{}, { path: '' }, { path: 42 }]) {
        const reply = await call('POST', READ, { json: body });
        expect(reply.status, JSON.stringify(body)).to.equal(422);
        expect(reply.body.detail[0].loc).to.deep.equal(['body', 'path']);
      }
    });
  });

  describe('the root folder', () => {
    it('is created when missing, and may itself be a symlink', async () => {
      await server.stop(1000);
      const fresh = path.join(temp, 'fresh', 'files');
      await start(fresh);
      const empty = await list();
      expect(empty.status).to.equal(200);
      expect(empty.body).to.deep.equal({ path: '.', entries: [], total: 0 });
      expect((await stat(fresh)).isDirectory()).to.equal(true);

      await server.stop(1000);
      const linkedRoot = path.join(temp, 'linked-root');
      await symlink(root, linkedRoot);
      await start(linkedRoot);
      expect((await read('hello.txt')).status).to.equal(200);
      expect((await read('secret-link')).status).to.equal(403);
    });
  });
});
