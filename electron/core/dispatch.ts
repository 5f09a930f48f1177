import type { ApiErrorDto, ApiResponse, AppApi } from './api';
import { API_METHODS, API_METHOD_NAMES } from './api-schema';
import { didYouMean } from './did-you-mean';
import { isEngineError } from './errors';
import type { Logger } from './log';
import { InvalidArgument } from './validate';

/**
 * The one dispatcher every door calls with a method name and an untrusted argument: IPC and HTTP only move
 * bytes. Misuse becomes InvalidArgument; engine failures keep their code; anything else is an InternalError,
 * logged with its stack and shown without it.
 */
export async function dispatch(
  api: AppApi,
  method: unknown,
  args: unknown,
  log: Logger,
): Promise<ApiResponse<unknown>> {
  if (typeof method !== 'string' || !(method in API_METHODS)) {
    const hint = typeof method === 'string' ? didYouMean(method, API_METHOD_NAMES) : undefined;
    return failure({
      type: 'InvalidArgument',
      code: 'UNKNOWN_METHOD',
      message: `Unknown method ${JSON.stringify(method)}${hint ? ` (did you mean "${hint}"?)` : ''}`,
    });
  }
  const name = method as keyof AppApi;
  try {
    const handler = api[name] as (input: unknown) => Promise<unknown>;
    const value = await handler(args ?? {});
    return { ok: true, value, mutated: API_METHODS[name].mutates };
  } catch (error) {
    if (isEngineError(error))
      return failure({ type: 'EngineError', code: error.code, message: error.message });
    if (error instanceof InvalidArgument || error instanceof RangeError) {
      return failure({ type: 'InvalidArgument', code: 'INVALID_ARGUMENT', message: error.message });
    }
    log.error(`${name} failed: ${(error as Error)?.stack ?? String(error)}`);
    return failure({
      type: 'InternalError',
      code: 'INTERNAL',
      message: `Tiger ID hit an unexpected problem in ${name}; it was logged.`,
    });
  }
}

function failure(error: ApiErrorDto): ApiResponse<never> {
  return { ok: false, error };
}
