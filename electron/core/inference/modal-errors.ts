import { EngineError, isEngineError, messageOf } from '../errors';

/**
 * What went wrong with a Modal call, in the user's terms. The SDK reports failures as its own error classes
 * (NotFoundError, TimeoutError, RemoteError...) or as nice-grpc ClientErrors with a gRPC status code; both are
 * matched by name and code rather than instanceof, because the SDK bundles its own copies of those classes.
 */

/** gRPC status codes (grpc/status.proto) the SDK surfaces unchanged. */
const GRPC = {
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

export interface ModalCallSite {
  appName: string;
  className: string;
  environment: string | null;
}

function grpcCode(error: unknown): number | null {
  if (typeof error !== 'object' || error === null) return null;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : null;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

/** The command that deploys the app a call looked for, with the app name when it is not the default. */
export function deployCommand(site: Pick<ModalCallSite, 'appName' | 'environment'>): string {
  const env = site.environment ? ` --env ${site.environment}` : '';
  const name = site.appName === 'tiger-id-models' ? '' : `MODAL_APP_NAME=${site.appName} `;
  return `${name}modal deploy models/modal_app.py${env}`;
}

/** Turns anything a Modal call threw into an EngineError with one of the REMOTE_* codes. */
export function modalError(error: unknown, site: ModalCallSite): EngineError {
  if (isEngineError(error)) return error;
  const name = errorName(error);
  const code = grpcCode(error);
  const detail = messageOf(error);
  const details = { appName: site.appName, className: site.className, grpcCode: code, sdkError: name };
  if (code === GRPC.UNAUTHENTICATED || code === GRPC.PERMISSION_DENIED) {
    return new EngineError(
      'REMOTE_UNAUTHENTICATED',
      `Modal rejected the token (${detail}). Set a valid token in Settings → Remote inference, or with MODAL_TOKEN_ID and MODAL_TOKEN_SECRET (create one with \`modal token new\`).`,
      { details, cause: error },
    );
  }
  if (name === 'NotFoundError' || code === GRPC.NOT_FOUND) {
    const where = site.environment ? ` in environment "${site.environment}"` : '';
    return new EngineError(
      'REMOTE_NOT_DEPLOYED',
      `Modal app "${site.appName}" with class ${site.className} is not deployed${where}. Deploy it with \`${deployCommand(site)}\` (see README, "Remote inference on Modal").`,
      { details, cause: error },
    );
  }
  if (name === 'TimeoutError') {
    return new EngineError('REMOTE_TIMEOUT', `Modal did not finish the call in time: ${detail}`, {
      details,
      cause: error,
    });
  }
  if (
    code === GRPC.UNAVAILABLE ||
    code === GRPC.DEADLINE_EXCEEDED ||
    code === GRPC.RESOURCE_EXHAUSTED ||
    name === 'ClientClosedError'
  ) {
    return new EngineError('REMOTE_UNAVAILABLE', `Modal cannot be reached: ${detail}`, {
      details,
      cause: error,
    });
  }
  return new EngineError('REMOTE_FAILED', `Modal call to ${site.className} failed: ${detail}`, {
    details,
    cause: error,
  });
}

/** Failures that waiting cannot fix: the user has to change the token or deploy the app first. */
export function needsUserAction(error: EngineError): boolean {
  return error.code === 'REMOTE_UNAUTHENTICATED' || error.code === 'REMOTE_NOT_DEPLOYED';
}

/** Failures worth another try later (the network, Modal itself, a crashed container). */
export function isTransient(error: EngineError): boolean {
  return error.code === 'REMOTE_UNAVAILABLE' || error.code === 'REMOTE_FAILED';
}
