import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { EngineError } from '../errors';

/**
 * Where exports may write. A user picks one file or one folder; nothing is written outside it, nothing existing
 * is replaced unless the user said so (the CLI's --force, the app's "Replace?" dialog), and every file appears
 * whole or not at all (written beside its final name, then renamed).
 */

export interface OutputOptions {
  /** Replace an existing file, or write into a non-empty folder. */
  overwrite?: boolean;
}

/** Checks a chosen output file: its folder exists, the name has the extension, and it is new (or may be replaced). */
export function prepareOutputFile(path: string, extension: string, options: OutputOptions = {}): string {
  const target = resolve(path);
  if (!target.toLowerCase().endsWith(extension)) {
    throw new EngineError('INVALID_ARGUMENT', `Output file ${target} must end in ${extension}`, {
      details: { path: target, extension },
    });
  }
  const folder = dirname(target);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new EngineError('NOT_FOUND', `Folder ${folder} does not exist; create it first`, {
      details: { path: folder },
    });
  }
  if (existsSync(target)) {
    if (lstatSync(target).isDirectory()) {
      throw new EngineError('CONFLICT', `${target} is a folder, not a file`, { details: { path: target } });
    }
    if (!options.overwrite) {
      throw new EngineError(
        'OUTPUT_EXISTS',
        `${target} already exists; choose another name or allow replacing it (--force on the command line)`,
        {
          details: { path: target },
        },
      );
    }
  }
  return target;
}

/**
 * The file a user named inside the folder they chose (the app's export dialog): a bare file name only, so no
 * "../" or absolute name can point the write anywhere else.
 */
export function fileInFolder(folder: string, name: string): string {
  if (name.trim() === '' || /[/\\]/.test(name) || name === '.' || name === '..') {
    throw new EngineError(
      'OUTPUT_OUTSIDE_FOLDER',
      `"${name}" is not a plain file name; give a name without folders`,
      {
        details: { folder, name },
      },
    );
  }
  return join(resolve(folder), name);
}

/** A chosen output folder; `file(name)` refuses any name that would land outside it. */
export interface OutputFolder {
  readonly path: string;
  file(name: string): string;
}

/** Checks (and creates) a chosen output folder: new or empty, unless replacing its contents was allowed. */
export function prepareOutputFolder(path: string, options: OutputOptions = {}): OutputFolder {
  const folder = resolve(path);
  if (existsSync(folder)) {
    if (!statSync(folder).isDirectory()) {
      throw new EngineError('CONFLICT', `${folder} is a file, not a folder`, { details: { path: folder } });
    }
    if (readdirSync(folder).length > 0 && !options.overwrite) {
      throw new EngineError(
        'OUTPUT_EXISTS',
        `Folder ${folder} is not empty; choose an empty folder or allow replacing its files (--force on the command line)`,
        { details: { path: folder } },
      );
    }
  } else {
    mkdirSync(folder, { recursive: true });
  }
  const real = realpathSync(folder);
  return {
    path: folder,
    file(name: string): string {
      const target = resolve(real, name);
      const rel = relative(real, target);
      if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
        throw new EngineError('OUTPUT_OUTSIDE_FOLDER', `Refusing to write ${name}: it is outside ${folder}`, {
          details: { folder, name },
        });
      }
      return target;
    },
  };
}

/** Writes a file whole or not at all: a crash mid-write leaves the previous file (or none), never half of one. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  try {
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
