import { describe, expect, it } from 'vitest';
import { EngineError, type ErrorCode } from '../../electron/core/errors';
import {
  deployCommand,
  isTransient,
  modalError,
  needsUserAction,
} from '../../electron/core/inference/modal-errors';

const SITE = { appName: 'tiger-id-models', className: 'TigerEmbedder', environment: null };

/** An Error shaped like the SDK's own classes (matched by name, since the SDK bundles its own copies). */
function sdkError(name: string, message: string, code?: number): Error {
  const error = new Error(message) as Error & { code?: number };
  error.name = name;
  if (code !== undefined) error.code = code;
  return error;
}

/** A nice-grpc ClientError: an Error with a numeric gRPC status `code`. */
function grpcError(code: number, message: string): Error {
  return sdkError('ClientError', message, code);
}

describe('modalError', () => {
  it.each([16, 7])('maps gRPC code %i (an Error or a bare object) to REMOTE_UNAUTHENTICATED', (code) => {
    for (const error of [grpcError(code, 'invalid token'), { code, details: 'invalid token' }]) {
      const mapped = modalError(error, SITE);
      expect(mapped).toBeInstanceOf(EngineError);
      expect(mapped.code).toBe('REMOTE_UNAUTHENTICATED');
      expect(mapped.message).toContain('MODAL_TOKEN_ID');
      expect(mapped.message).toContain('MODAL_TOKEN_SECRET');
      expect(mapped.message).toContain('modal token new');
      expect(mapped.cause).toBe(error);
      expect(mapped.details).toMatchObject({
        grpcCode: code,
        appName: 'tiger-id-models',
        className: 'TigerEmbedder',
      });
    }
  });

  it('keeps the SDK message in the unauthenticated message', () => {
    expect(modalError(grpcError(16, 'Token ak-123 is revoked'), SITE).message).toContain(
      'Token ak-123 is revoked',
    );
  });

  it('maps NotFoundError and gRPC code 5 to REMOTE_NOT_DEPLOYED with the default deploy command', () => {
    for (const error of [sdkError('NotFoundError', 'App not found'), grpcError(5, 'not found')]) {
      const mapped = modalError(error, SITE);
      expect(mapped.code).toBe('REMOTE_NOT_DEPLOYED');
      expect(mapped.message).toContain('"tiger-id-models"');
      expect(mapped.message).toContain('TigerEmbedder');
      expect(mapped.message).toContain('`modal deploy models/modal_app.py`');
      expect(mapped.message).not.toContain('MODAL_APP_NAME=');
      expect(mapped.message).not.toContain('--env');
    }
  });

  it('puts the app name before the deploy command when it is not the default', () => {
    const mapped = modalError(sdkError('NotFoundError', 'App not found'), { ...SITE, appName: 'tiger-lab' });
    expect(mapped.code).toBe('REMOTE_NOT_DEPLOYED');
    expect(mapped.message).toContain('`MODAL_APP_NAME=tiger-lab modal deploy models/modal_app.py`');
  });

  it('names the environment and passes --env when one is set', () => {
    const mapped = modalError(grpcError(5, 'not found'), {
      ...SITE,
      appName: 'tiger-lab',
      environment: 'staging',
    });
    expect(mapped.code).toBe('REMOTE_NOT_DEPLOYED');
    expect(mapped.message).toContain('in environment "staging"');
    expect(mapped.message).toContain(
      '`MODAL_APP_NAME=tiger-lab modal deploy models/modal_app.py --env staging`',
    );
  });

  it('maps TimeoutError to REMOTE_TIMEOUT', () => {
    const mapped = modalError(sdkError('TimeoutError', 'call did not finish in 120 s'), SITE);
    expect(mapped.code).toBe('REMOTE_TIMEOUT');
    expect(mapped.message).toContain('call did not finish in 120 s');
  });

  it.each([14, 4, 8])('maps gRPC code %i to REMOTE_UNAVAILABLE', (code) => {
    const mapped = modalError(grpcError(code, 'connect ECONNREFUSED'), SITE);
    expect(mapped.code).toBe('REMOTE_UNAVAILABLE');
    expect(mapped.message).toContain('connect ECONNREFUSED');
  });

  it('maps a closed client to REMOTE_UNAVAILABLE', () => {
    expect(modalError(sdkError('ClientClosedError', 'client closed'), SITE).code).toBe('REMOTE_UNAVAILABLE');
  });

  it.each([
    ['RemoteError', 'ValueError: bad tensor shape'],
    ['InternalFailure', 'container crashed'],
    ['Error', 'something else'],
  ])('maps %s to REMOTE_FAILED, naming the class and the SDK message', (name, message) => {
    const error = sdkError(name, message);
    const mapped = modalError(error, SITE);
    expect(mapped.code).toBe('REMOTE_FAILED');
    expect(mapped.message).toContain('TigerEmbedder');
    expect(mapped.message).toContain(message);
    expect(mapped.cause).toBe(error);
    expect(mapped.details).toMatchObject({ sdkError: name, grpcCode: null });
  });

  it('maps other gRPC codes and non-errors to REMOTE_FAILED', () => {
    expect(modalError(grpcError(13, 'internal'), SITE).code).toBe('REMOTE_FAILED');
    expect(modalError(grpcError(3, 'invalid argument'), SITE).code).toBe('REMOTE_FAILED');
    expect(modalError('a thrown string', SITE).code).toBe('REMOTE_FAILED');
    expect(modalError('a thrown string', SITE).message).toContain('a thrown string');
    expect(modalError(undefined, SITE).code).toBe('REMOTE_FAILED');
    expect(modalError({ code: '16' }, SITE).code).toBe('REMOTE_FAILED');
  });

  it('passes an EngineError through unchanged', () => {
    const original = new EngineError('REMOTE_RESULT_INVALID', 'wrong shape');
    expect(modalError(original, SITE)).toBe(original);
  });
});

describe('deployCommand', () => {
  it('builds the command for the default app, another app, and an environment', () => {
    expect(deployCommand({ appName: 'tiger-id-models', environment: null })).toBe(
      'modal deploy models/modal_app.py',
    );
    expect(deployCommand({ appName: 'tiger-id-models', environment: 'dev' })).toBe(
      'modal deploy models/modal_app.py --env dev',
    );
    expect(deployCommand({ appName: 'park-a', environment: null })).toBe(
      'MODAL_APP_NAME=park-a modal deploy models/modal_app.py',
    );
  });
});

describe('needsUserAction and isTransient', () => {
  const expectations: [ErrorCode, boolean, boolean][] = [
    // code, needs the user, worth another try later
    ['REMOTE_UNAUTHENTICATED', true, false],
    ['REMOTE_NOT_DEPLOYED', true, false],
    ['REMOTE_UNAVAILABLE', false, true],
    ['REMOTE_FAILED', false, true],
    ['REMOTE_TIMEOUT', false, false],
    ['REMOTE_RESULT_INVALID', false, false],
    ['REMOTE_NOT_CONFIGURED', false, false],
    ['INFERENCE_FAILED', false, false],
  ];
  it.each(expectations)('%s: needsUserAction=%s, isTransient=%s', (code, user, transient) => {
    const error = new EngineError(code, 'x');
    expect(needsUserAction(error)).toBe(user);
    expect(isTransient(error)).toBe(transient);
  });

  it('classifies mapped SDK errors', () => {
    expect(needsUserAction(modalError(grpcError(16, 'bad token'), SITE))).toBe(true);
    expect(needsUserAction(modalError(sdkError('NotFoundError', 'gone'), SITE))).toBe(true);
    expect(isTransient(modalError(grpcError(14, 'offline'), SITE))).toBe(true);
    expect(isTransient(modalError(sdkError('RemoteError', 'boom'), SITE))).toBe(true);
    expect(needsUserAction(modalError(grpcError(14, 'offline'), SITE))).toBe(false);
  });
});
