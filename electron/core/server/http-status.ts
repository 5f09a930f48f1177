import type { ApiErrorDto, ApiResponse } from '../api';

/**
 * The HTTP status of an ApiResponse: the body is the same envelope IPC returns, the status lets browser tools and
 * scripts see failures without parsing it. Misuse is 400, a missing thing 404, a clash 409, any other engine
 * failure 422 (the request was understood but could not be done), a bug 500.
 */
export function httpStatusOf(response: ApiResponse<unknown>): number {
  return response.ok ? 200 : httpStatusOfError(response.error);
}

export function httpStatusOfError(error: Pick<ApiErrorDto, 'type' | 'code'>): number {
  if (error.type === 'InvalidArgument') return 400;
  if (error.type === 'InternalError') return 500;
  switch (error.code) {
    case 'NOT_FOUND':
      return 404;
    case 'CONFLICT':
    case 'OUTPUT_EXISTS':
      return 409;
    case 'INVALID_ARGUMENT':
      return 400;
    default:
      return 422;
  }
}
