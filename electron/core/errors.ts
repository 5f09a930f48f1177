/**
 * One error envelope for the whole engine. Misuse (bad arguments) is a TypeError/RangeError raised by
 * validation; runtime failures are EngineError with a stable `code` that every door maps to its own form
 * (CLI exit code, HTTP status, IPC envelope).
 */
export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'CONFLICT',
  'IMAGE_DECODE_FAILED',
  'IMAGE_TOO_SMALL',
  'IMAGE_TOO_LARGE',
  'IMAGE_NO_FEATURES',
  'UNSUPPORTED_FILE',
  'FILE_UNREADABLE',
  'MODEL_MISSING',
  'MODEL_CORRUPT',
  'MODEL_INVALID',
  'MODEL_DOWNLOAD_FAILED',
  'DESCRIPTOR_CORRUPT',
  'DESCRIPTOR_STALE',
  'INFERENCE_FAILED',
  'DB_SCHEMA_NEWER',
  'DB_MIGRATION_MISMATCH',
  'CSV_INVALID',
  'DECISION_INVALID',
  'NOT_CALIBRATED',
  'MANIFEST_INVALID',
  'CONFIG_INVALID',
  'OUTPUT_EXISTS',
  'OUTPUT_OUTSIDE_FOLDER',
  'PACKAGE_INVALID',
  'REMOTE_NOT_CONFIGURED',
  'REMOTE_UNAUTHENTICATED',
  'REMOTE_NOT_DEPLOYED',
  'REMOTE_UNAVAILABLE',
  'REMOTE_TIMEOUT',
  'REMOTE_FAILED',
  'REMOTE_RESULT_INVALID',
  'QUEUE_FULL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class EngineError extends Error {
  override readonly name = 'EngineError';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { details?: Record<string, unknown>; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options?.details;
  }
}

export function isEngineError(error: unknown, code?: ErrorCode): error is EngineError {
  return error instanceof EngineError && (code === undefined || error.code === code);
}

/** The message of anything thrown, for reports that must name a reason without a stack trace. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * Builds an EngineError whose stack is the caller's, not a native worker callback's. sharp and onnxruntime report
 * failures from native threads, so by the time the promise rejects the JavaScript stack says nothing useful:
 * capture `new Error()` synchronously at the call site (STYLE.md item 9, sharp's own `nativeError`) and pass it here.
 */
export function engineErrorAt(
  callSite: Error,
  code: ErrorCode,
  message: string,
  options?: { details?: Record<string, unknown>; cause?: unknown },
): EngineError {
  const error = new EngineError(code, message, options);
  const frames = callSite.stack?.split('\n').slice(1).join('\n');
  if (frames) error.stack = `${error.name}: ${message}\n${frames}`;
  return error;
}

/** engineErrorAt for a native failure: the native message is appended to ours and kept as the cause. */
export function nativeError(
  site: Error,
  code: ErrorCode,
  message: string,
  cause: unknown,
  details?: Record<string, unknown>,
): EngineError {
  return engineErrorAt(site, code, `${message}: ${messageOf(cause)}`, { cause, ...(details && { details }) });
}
