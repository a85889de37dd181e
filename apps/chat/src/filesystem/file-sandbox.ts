import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { BadRequestError, ForbiddenError, HttpError, NotFoundError } from '@gaia/platform';

export interface FileEntry {
  name: string;
  /** Relative to the root, `/`-separated, as the caller would pass it back. */
  path: string;
  type: 'file' | 'directory';
  /** Bytes; null for a directory. */
  size: number | null;
  modified: string;
}

export interface FileContent {
  path: string;
  content: string;
  size: number;
  /** `base64` when the file is not UTF-8 text. */
  encoding: 'utf-8' | 'base64';
}

export interface FileSandbox {
  list(relativePath: string): Promise<{ path: string; entries: FileEntry[]; total: number }>;
  read(relativePath: string): Promise<FileContent>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The text of a buffer, or undefined when it is binary (a NUL byte, or not valid UTF-8). */
function textOf(buffer: Buffer): string | undefined {
  if (buffer.includes(0)) return undefined;
  try {
    return utf8.decode(buffer);
  } catch {
    return undefined;
  }
}

/** A request path as the caller wrote it, checked for form only: relative, no `..`, no NUL. */
function checkedRelative(requested: string): string {
  if (requested.includes('\0')) throw new BadRequestError('Path must not contain NUL bytes');
  if (path.isAbsolute(requested) || path.win32.isAbsolute(requested)) {
    throw new BadRequestError(`Absolute paths are not allowed: ${requested}`);
  }
  const segments = requested.split(/[\\/]+/).filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) throw new BadRequestError(`Path traversal is not allowed: ${requested}`);
  return segments.join('/') || '.';
}

/** The HTTP error for a failed file system call on a requested path. */
function fileError(error: unknown, requested: string): unknown {
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new NotFoundError(`Path not found: ${requested}`);
    case 'EACCES':
    case 'EPERM':
      return new ForbiddenError(`Permission denied: ${requested}`);
    case 'ELOOP':
      return new BadRequestError(`Too many symbolic links in path: ${requested}`);
    case 'ENAMETOOLONG':
      return new BadRequestError(`Path too long: ${requested}`);
    default:
      return error;
  }
}

/** A file system call whose failure becomes the HTTP error for the requested path. */
const onPath = <T>(promise: Promise<T>, requested: string) =>
  promise.catch((error: unknown) => {
    throw fileError(error, requested);
  });

/** Whether a real path is the real root or below it. */
function inside(base: string, real: string): boolean {
  const relative = path.relative(base, real);
  return relative === '' || (relative.split(path.sep)[0] !== '..' && !path.isAbsolute(relative));
}

/**
 * Read-only access to the files under one folder (created if missing). Paths are relative to it; absolute
 * paths and `..` are refused (400), and symlinks are resolved so that nothing whose real path leaves the
 * real root is listed or read (403).
 * @example const sandbox = createFileSandbox({ root: config.FILESYSTEM_ROOT, maxReadBytes: 1_048_576 }); await sandbox.read('notes/a.md');
 */
export function createFileSandbox({
  root,
  maxReadBytes,
}: {
  root: string;
  maxReadBytes: number;
}): FileSandbox {
  let realRoot: Promise<string> | undefined;
  const rootReady = () =>
    (realRoot ??= mkdir(root, { recursive: true })
      .then(() => realpath(root))
      .catch((error: unknown) => {
        realRoot = undefined;
        throw error;
      }));

  /** The real path of a checked relative path, guaranteed inside the real root. */
  async function resolve(requested: string): Promise<{ relative: string; real: string; base: string }> {
    const relative = checkedRelative(requested);
    const base = await rootReady();
    const real = await onPath(realpath(path.join(base, relative)), requested);
    if (!inside(base, real))
      throw new ForbiddenError(`Path resolves outside the filesystem root: ${requested}`);
    return { relative, real, base };
  }

  /** The entry for a directory member, or undefined when it leads outside the root, nowhere, or to a non-file. */
  async function entryOf(base: string, dir: string, relativeDir: string, name: string) {
    let info: Stats;
    try {
      const link = await lstat(path.join(dir, name));
      if (!link.isSymbolicLink()) info = link;
      else {
        const target = await realpath(path.join(dir, name));
        if (!inside(base, target)) return undefined;
        info = await stat(target);
      }
    } catch {
      return undefined;
    }
    if (!info.isFile() && !info.isDirectory()) return undefined;
    const entry: FileEntry = {
      name,
      path: path.posix.join(relativeDir, name),
      type: info.isDirectory() ? 'directory' : 'file',
      size: info.isDirectory() ? null : info.size,
      modified: info.mtime.toISOString(),
    };
    return entry;
  }

  return {
    async list(requested) {
      const { relative, real, base } = await resolve(requested);
      if (!(await onPath(stat(real), requested)).isDirectory()) {
        throw new BadRequestError(`Path is not a directory: ${requested}`);
      }
      const names = (await onPath(readdir(real), requested)).sort();
      const entries = (await Promise.all(names.map((name) => entryOf(base, real, relative, name)))).filter(
        (entry) => entry !== undefined,
      );
      return { path: relative, entries, total: entries.length };
    },

    async read(requested) {
      const { relative, real } = await resolve(requested);
      // O_NOFOLLOW: the checked real path must not have become a symlink since; O_NONBLOCK: a FIFO
      // must not hang the request before it is refused below.
      const flags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
      const handle = await onPath(open(real, flags), requested);
      try {
        const info = await handle.stat();
        if (info.isDirectory()) throw new BadRequestError(`Path is a directory, not a file: ${requested}`);
        if (!info.isFile()) throw new BadRequestError(`Path is not a regular file: ${requested}`);
        if (info.size > maxReadBytes) {
          throw new HttpError(
            413,
            `File ${requested} is ${info.size} bytes, larger than the limit of ${maxReadBytes} bytes`,
          );
        }
        const buffer = await handle.readFile();
        const text = textOf(buffer);
        return text === undefined
          ? { path: relative, content: buffer.toString('base64'), size: buffer.length, encoding: 'base64' }
          : { path: relative, content: text, size: buffer.length, encoding: 'utf-8' };
      } finally {
        await handle.close();
      }
    },
  };
}
