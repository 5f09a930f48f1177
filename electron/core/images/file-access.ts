import { EngineError, messageOf } from '../errors';

/** True for the errors Node's fs raises (they carry a string `code` such as ENOENT). */
export function isSystemError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

const REASONS: Record<string, string> = {
  ENOENT: 'it does not exist (moved or deleted?)',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder, not a file',
  EIO: 'the disk reported an input/output error',
  ELOOP: 'it is a symbolic link that points back to itself',
  EMFILE: 'too many files are open',
  ENAMETOOLONG: 'its path is too long',
};

/** A one-line reason a file could not be read, for people rather than for stack traces. */
export function describeFileError(error: unknown): string {
  if (isSystemError(error)) return REASONS[error.code] ?? `${error.code}: ${error.message}`;
  return messageOf(error);
}

/**
 * FILE_UNREADABLE with the reason. The message leaves the path out, like the decode errors, because reports
 * print each file's path beside its message; `details.path` keeps it for callers that need it.
 */
export function fileUnreadable(path: string, error: unknown): EngineError {
  return new EngineError('FILE_UNREADABLE', `The file cannot be read: ${describeFileError(error)}.`, {
    details: { path, ...(isSystemError(error) ? { errno: error.code } : {}) },
    cause: error,
  });
}
