import { describe, expect, it } from 'vitest';
import type { RemoteStatusDto } from '../../electron/core/api';
import {
  codeSegments,
  formatRate,
  freshSyncReport,
  nextTryLabel,
  queueSummary,
  remoteChanges,
  remoteFormFrom,
  remotePollMs,
  tokenLabel,
  whereLabel,
  type RemoteForm,
} from '../../renderer/src/lib/remote';
import { matcherLabel } from '../../renderer/src/lib/format';

function status(patch: {
  modal?: Partial<RemoteStatusDto['modal']>;
  queue?: Partial<RemoteStatusDto['queue']>;
  settings?: Partial<RemoteStatusDto['settings']>;
  syncing?: boolean;
}): RemoteStatusDto {
  return {
    policy: 'modal',
    staggered: false,
    concurrency: 8,
    settings: { modalEnabled: null, appName: null, environment: null, ...patch.settings },
    modal: {
      enabled: true,
      token: 'environment',
      tokenStorage: 'plain-text',
      appName: 'tiger-id-models',
      environment: null,
      online: true,
      breaker: 'closed',
      pausedBecause: null,
      deployCommand: 'modal deploy models/modal_app.py',
      stats: { sent: 0, succeeded: 0, failed: 0, retried: 0, failureRate: 0 },
      ...patch.modal,
    },
    queue: { pending: 0, running: 0, failed: 0, done: 0, cancelled: 0, maxSize: 10_000, ...patch.queue },
    syncing: patch.syncing ?? false,
    lastSync: null,
    routes: [],
  };
}

const report = (finishedAt: string, message: string, identifications: number, needReview = 0) => ({
  finishedAt,
  message,
  identifications,
  needReview,
});

describe('freshSyncReport: which sync report the app announces', () => {
  const first = report('2024-05-01T10:00:00.000Z', '3 queued identifications finished, 3 need review.', 3, 3);

  it('announces nothing from the first status: that report is older than the window', () => {
    expect(freshSyncReport(undefined, first)).toBeNull();
  });

  it('announces the first report after none, and a later one with another finish time', () => {
    expect(freshSyncReport(null, first)).toBe(first);
    const next = report('2024-05-01T10:05:00.000Z', '1 queued identification finished, 0 need review.', 1);
    expect(freshSyncReport(first, next)).toBe(next);
  });

  it('does not announce the same report twice, or nothing at all', () => {
    expect(freshSyncReport(first, { ...first })).toBeNull();
    expect(freshSyncReport(first, null)).toBeNull();
  });

  it('does not repeat a report that finished nothing and says what the last one said', () => {
    const paused = report('2024-05-01T11:00:00.000Z', '5 still queued: Modal rejected the token.', 0);
    const again = report('2024-05-01T11:00:30.000Z', '5 still queued: Modal rejected the token.', 0);
    expect(freshSyncReport(first, paused)).toBe(paused);
    expect(freshSyncReport(paused, again)).toBeNull();
    // A different reason is news.
    const other = report('2024-05-01T11:01:00.000Z', '5 still queued: the app is not deployed.', 0);
    expect(freshSyncReport(again, other)).toBe(other);
  });
});

describe('remotePollMs: polling only while something moves', () => {
  it('polls fast during a sync, gently while work waits, not at all otherwise', () => {
    expect(remotePollMs(undefined)).toBe(0);
    expect(remotePollMs(status({}))).toBe(0);
    expect(remotePollMs(status({ queue: { failed: 4, done: 9 } }))).toBe(0);
    expect(remotePollMs(status({ queue: { pending: 1 } }))).toBe(5000);
    expect(remotePollMs(status({ queue: { running: 2 } }))).toBe(5000);
    expect(remotePollMs(status({ syncing: true }))).toBe(2000);
  });
});

describe('queueSummary: what the work waits for', () => {
  it('says nothing waits, or how many failed', () => {
    expect(queueSummary(status({}))).toEqual({ text: 'Nothing is waiting.', tone: 'muted' });
    expect(queueSummary(status({ queue: { failed: 1 } }))).toEqual({
      text: '1 job failed: retry or cancel it below.',
      tone: 'bad',
    });
  });

  it('names the first obstacle: Modal off, no token, offline, paused', () => {
    expect(queueSummary(status({ queue: { pending: 3 }, modal: { enabled: false } })).text).toBe(
      '3 jobs waiting, but Modal is off: turn it on in Settings.',
    );
    expect(queueSummary(status({ queue: { pending: 3 }, modal: { token: null } })).text).toBe(
      '3 jobs waiting, but no Modal token is set: add one in Settings.',
    );
    expect(queueSummary(status({ queue: { pending: 12, failed: 2 }, modal: { online: false } }))).toEqual({
      text: '12 jobs waiting for the connection; they are sent by themselves when it returns. 2 jobs failed: retry or cancel them below.',
      tone: 'warn',
    });
    expect(queueSummary(status({ queue: { pending: 1 }, modal: { online: false } })).text).toBe(
      '1 job waiting for the connection; it is sent by itself when it returns.',
    );
    expect(
      queueSummary(status({ queue: { pending: 2 }, modal: { pausedBecause: 'Modal rejected the token' } }))
        .text,
    ).toBe('2 jobs waiting: Modal calls are paused (see Remote inference).');
    expect(queueSummary(status({ queue: { pending: 2, running: 1 }, syncing: true }))).toEqual({
      text: 'Sending 3 jobs to Modal…',
      tone: 'good',
    });
    expect(queueSummary(status({ queue: { pending: 2 } })).text).toBe('2 jobs waiting for the next sync.');
  });
});

describe('remoteChanges: only what the user changed goes to remote.configure', () => {
  const initial: RemoteForm = remoteFormFrom(
    status({
      modal: { enabled: true, appName: 'tiger-id-models', environment: 'main' },
      settings: { modalEnabled: true, appName: 'tiger-id-models', environment: 'main' },
    }),
  );

  it('starts from the app settings as stored', () => {
    expect(initial).toEqual({
      policy: 'modal',
      modal: 'on',
      appName: 'tiger-id-models',
      environment: 'main',
      staggered: false,
      concurrency: '8',
    });
  });

  it('shows "as MODAL_ENABLED says" and empty names when the app leaves them to the environment', () => {
    // Effective values come from the environment; the form shows that the app does not override them.
    expect(
      remoteFormFrom(status({ modal: { enabled: true, appName: 'field-app', environment: 'prod' } })),
    ).toMatchObject({
      modal: 'environment',
      appName: '',
      environment: '',
    });
  });

  it('sends nothing when nothing changed (whitespace aside)', () => {
    expect(remoteChanges(initial, { ...initial, appName: ' tiger-id-models ' })).toEqual({ changes: {} });
  });

  it('sends each changed field; emptied names go back to the MODAL_* variables', () => {
    expect(
      remoteChanges(initial, {
        policy: 'auto',
        modal: 'environment',
        appName: '',
        environment: ' ',
        staggered: true,
        concurrency: '4',
      }),
    ).toEqual({
      changes: {
        policy: 'auto',
        modalEnabled: null,
        appName: null,
        environment: null,
        staggered: true,
        concurrency: 4,
      },
    });
    expect(remoteChanges(initial, { ...initial, modal: 'off', appName: 'my app!' })).toEqual({
      // The engine judges the name; the UI shows its answer.
      changes: { modalEnabled: false, appName: 'my app!' },
    });
  });

  it('refuses a concurrency that is not a whole number', () => {
    expect(remoteChanges(initial, { ...initial, concurrency: '2.5' })).toEqual({
      problem: 'Parallel calls: a whole number, not "2.5".',
    });
  });
});

describe('words for the status screen', () => {
  it('says where the token comes from, and that plain text is plain text', () => {
    expect(tokenLabel({ token: 'secret-store', tokenStorage: 'plain-text' })).toMatch(/plain-text file/);
    expect(tokenLabel({ token: 'secret-store', tokenStorage: 'os-keychain' })).toMatch(/keychain/);
    expect(tokenLabel({ token: 'environment', tokenStorage: 'plain-text' })).toBe(
      'Set by MODAL_TOKEN_ID and MODAL_TOKEN_SECRET',
    );
    expect(tokenLabel({ token: null, tokenStorage: 'os-keychain' })).toBe('Not set');
  });

  it('names the matchers that ran, the stripe matcher alone only when no model is installed', () => {
    expect(matcherLabel('builtin-stripes@3 + detector whole-frame')).toBe(
      'Built-in stripe matcher (no recognition model installed)',
    );
    expect(
      matcherLabel(
        'builtin-stripes@3 + megadescriptor-l-384@1a2b3c4d + test-embedder@0060ab5f + detector md5',
      ),
    ).toBe('Built-in stripe matcher and megadescriptor-l-384, test-embedder');
  });

  it('formats the failure rate', () => {
    expect(formatRate(0)).toBe('0%');
    expect(formatRate(1 / 40)).toBe('2.5%');
    expect(formatRate(0.25)).toBe('25%');
    expect(formatRate(1)).toBe('100%');
  });

  it('labels routes as the summary does, unknown ones as they are', () => {
    expect(whereLabel('queue')).toEqual({
      label: 'Queued: sent when Modal can be reached',
      tone: 'warn',
    });
    expect(whereLabel('modal').label).toBe('Modal cloud GPU');
    expect(whereLabel('quantum')).toEqual({ label: 'quantum', tone: 'ok' });
  });

  it('says when a waiting job is tried next', () => {
    const now = new Date('2024-05-01T10:00:00.000Z');
    const at = (iso: string | null, state: 'pending' | 'failed' = 'pending') => ({
      state,
      nextAttemptAt: iso,
    });
    expect(nextTryLabel(at(null), now)).toBe('Next sync');
    expect(nextTryLabel(at('2024-05-01T09:59:00.000Z'), now)).toBe('Next sync');
    expect(nextTryLabel(at('2024-05-01T10:00:40.000Z'), now)).toBe('In 40 s');
    expect(nextTryLabel(at('2024-05-01T10:05:10.000Z'), now)).toBe('In 5 min');
    expect(nextTryLabel(at('2024-05-01T12:30:00.000Z'), now)).toBe('In 2 h 30 min');
    expect(nextTryLabel(at('2024-05-01T10:05:00.000Z', 'failed'), now)).toBe('—');
  });

  it('sets `commands` in engine messages apart, and leaves a lone backtick as written', () => {
    expect(codeSegments('Deploy it with `modal deploy models/modal_app.py` (see README).')).toEqual([
      { text: 'Deploy it with ', code: false },
      { text: 'modal deploy models/modal_app.py', code: true },
      { text: ' (see README).', code: false },
    ]);
    expect(codeSegments('a `b` c `d')).toEqual([
      { text: 'a ', code: false },
      { text: 'b', code: true },
      { text: ' c ', code: false },
      { text: '`d', code: false },
    ]);
  });
});
