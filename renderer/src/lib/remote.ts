import type { ApiInput, InferencePolicyDto, QueueJobDto, RemoteStatusDto } from '../../../electron/core/api';
import { plural } from './format';

/** Remote inference and the offline queue in words, and the small decisions the screens make about them. */

export const POLICY_OPTIONS: { value: InferencePolicyDto; label: string; help: string }[] = [
  {
    value: 'auto',
    label: 'Automatic',
    help: 'This computer’s GPU if it has one, else Modal when online, else this computer’s processor or the queue.',
  },
  {
    value: 'local',
    label: 'This computer only',
    help: 'Photos never leave this computer; without a GPU, large models are slow.',
  },
  {
    value: 'modal',
    label: 'Modal cloud GPU',
    help: 'Always on Modal; while offline the work waits in the queue and is sent when the connection returns.',
  },
];

export function policyLabel(policy: InferencePolicyDto): string {
  return POLICY_OPTIONS.find((o) => o.value === policy)?.label ?? policy;
}

export type Tone = 'good' | 'ok' | 'warn' | 'bad' | 'muted';

const WHERE: Record<string, { label: string; tone: Tone }> = {
  'local-cuda': { label: 'This computer’s GPU (CUDA)', tone: 'good' },
  'local-cpu': { label: 'This computer’s processor (CPU)', tone: 'ok' },
  modal: { label: 'Modal cloud GPU', tone: 'good' },
  queue: { label: 'Queued: sent when Modal can be reached', tone: 'warn' },
  none: { label: 'Cannot run now', tone: 'bad' },
};

/** Where recognition runs, in words: the status screen's summary and each model's route use the same labels. */
export function whereLabel(where: string): { label: string; tone: Tone } {
  return WHERE[where] ?? { label: where, tone: 'ok' };
}

export function connectionLabel(online: boolean | null): { label: string; tone: Tone } {
  if (online === null) return { label: 'Not checked yet', tone: 'muted' };
  return online ? { label: 'Online', tone: 'good' } : { label: 'Offline', tone: 'warn' };
}

export function tokenLabel(modal: Pick<RemoteStatusDto['modal'], 'token' | 'tokenStorage'>): string {
  switch (modal.token) {
    case 'secret-store':
      return modal.tokenStorage === 'plain-text'
        ? 'Set, saved in a plain-text file on this computer'
        : 'Set, saved in the system keychain';
    case 'environment':
      return 'Set by MODAL_TOKEN_ID and MODAL_TOKEN_SECRET';
    case 'modal-profile':
      return 'From Modal’s own settings (~/.modal.toml, made by “modal token new”)';
    default:
      return 'Not set';
  }
}

/** 0.125 → "12.5%"; one decimal only below 10 %, where it still tells something. */
export function formatRate(rate: number): string {
  const pct = rate * 100;
  return `${pct > 0 && pct < 10 ? pct.toFixed(1) : Math.round(pct)}%`;
}

/** Jobs still to be sent: the sidebar badge and the "work is waiting" signs count these. */
export function openJobs(status: RemoteStatusDto | undefined): number {
  return status ? status.queue.pending + status.queue.running : 0;
}

/** How often to re-read the remote status: fast while a sync runs, gently while work waits, else not at all. */
export function remotePollMs(status: RemoteStatusDto | undefined): number {
  if (!status) return 0;
  if (status.syncing) return 2000;
  return openJobs(status) > 0 ? 5000 : 0;
}

type LastSync = NonNullable<RemoteStatusDto['lastSync']>;

/**
 * The sync report to announce, if any. `previous` is the report already known (null: none yet), or undefined
 * before the first status arrived: that first status sets the baseline, so a report from before the window
 * opened is not announced as news. A report that finished nothing and says what the last one said (the
 * periodic sync finding Modal still paused) is not news either.
 */
export function freshSyncReport(
  previous: LastSync | null | undefined,
  current: LastSync | null,
): LastSync | null {
  if (previous === undefined || current === null || current.finishedAt === previous?.finishedAt) return null;
  if (current.identifications === 0 && current.message === previous?.message) return null;
  return current;
}

/** Splits an engine message at its `backticks`, so commands can be shown as code. */
export function codeSegments(text: string): { text: string; code: boolean }[] {
  const parts = text.split('`');
  // An odd number of backticks: the last one opens nothing and stays as written.
  const unmatched = parts.length % 2 === 0 ? parts.length - 1 : -1;
  return parts
    .map((part, i) =>
      i === unmatched ? { text: `\`${part}`, code: false } : { text: part, code: i % 2 === 1 },
    )
    .filter((s) => s.text !== '');
}

export const JOB_STATES: Record<QueueJobDto['state'], { label: string; tone: Tone }> = {
  pending: { label: 'Waiting', tone: 'ok' },
  running: { label: 'Sending', tone: 'good' },
  done: { label: 'Done', tone: 'good' },
  failed: { label: 'Failed', tone: 'bad' },
  cancelled: { label: 'Cancelled', tone: 'muted' },
};

/** When a waiting job is tried again: "next sync" when it is due already, else how long from now. */
export function nextTryLabel(job: Pick<QueueJobDto, 'state' | 'nextAttemptAt'>, now: Date): string {
  if (job.state !== 'pending') return '—';
  const at = job.nextAttemptAt === null ? NaN : Date.parse(job.nextAttemptAt);
  const seconds = Math.round((at - now.getTime()) / 1000);
  if (!Number.isFinite(seconds) || seconds <= 0) return 'Next sync';
  if (seconds < 60) return `In ${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `In ${minutes} min`;
  return `In ${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** "Use Modal": on, off, or as MODAL_ENABLED says. */
export type ModalChoice = 'on' | 'off' | 'environment';

export interface RemoteForm {
  policy: InferencePolicyDto;
  modal: ModalChoice;
  appName: string;
  environment: string;
  staggered: boolean;
  /** As typed; empty keeps the current value. */
  concurrency: string;
}

/** The form as the status describes the settings in effect now. */
export function remoteFormFrom(status: RemoteStatusDto): RemoteForm {
  return {
    policy: status.policy,
    modal:
      status.settings.modalEnabled === null ? 'environment' : status.settings.modalEnabled ? 'on' : 'off',
    appName: status.settings.appName ?? '',
    environment: status.settings.environment ?? '',
    staggered: status.staggered,
    concurrency: String(status.concurrency),
  };
}

export type RemoteConfigure = ApiInput<'remote.configure'>;

/**
 * What `remote.configure` gets for the fields the user changed (an emptied name or environment hands the choice
 * back to the MODAL_* variables), or the problem to show. The engine validates the values themselves.
 */
export function remoteChanges(
  initial: RemoteForm,
  form: RemoteForm,
): { changes: RemoteConfigure } | { problem: string } {
  const changes: RemoteConfigure = {};
  if (form.policy !== initial.policy) changes.policy = form.policy;
  if (form.staggered !== initial.staggered) changes.staggered = form.staggered;
  if (form.modal !== initial.modal)
    changes.modalEnabled = form.modal === 'environment' ? null : form.modal === 'on';
  const appName = form.appName.trim();
  if (appName !== initial.appName.trim()) changes.appName = appName === '' ? null : appName;
  const environment = form.environment.trim();
  if (environment !== initial.environment.trim())
    changes.environment = environment === '' ? null : environment;
  const concurrency = form.concurrency.trim();
  if (concurrency !== '' && concurrency !== initial.concurrency.trim()) {
    const n = Number(concurrency);
    if (!Number.isInteger(n)) return { problem: `Parallel calls: a whole number, not "${concurrency}".` };
    changes.concurrency = n;
  }
  return { changes };
}

/** The queue in one sentence: is work waiting, and what is it waiting for. */
export function queueSummary(s: RemoteStatusDto): { text: string; tone: Tone } {
  const open = openJobs(s);
  const failed = s.queue.failed;
  const failedPart =
    failed > 0
      ? ` ${plural(failed, 'job')} failed: retry or cancel ${failed === 1 ? 'it' : 'them'} below.`
      : '';
  if (open === 0) {
    return failed > 0
      ? { text: failedPart.trim(), tone: 'bad' }
      : { text: 'Nothing is waiting.', tone: 'muted' };
  }
  const waiting = `${plural(open, 'job')} waiting`;
  if (s.syncing) return { text: `Sending ${plural(open, 'job')} to Modal…${failedPart}`, tone: 'good' };
  if (!s.modal.enabled)
    return { text: `${waiting}, but Modal is off: turn it on in Settings.${failedPart}`, tone: 'warn' };
  if (s.modal.token === null)
    return { text: `${waiting}, but no Modal token is set: add one in Settings.${failedPart}`, tone: 'warn' };
  if (s.modal.online === false)
    return {
      text: `${waiting} for the connection; ${open === 1 ? 'it is sent by itself' : 'they are sent by themselves'} when it returns.${failedPart}`,
      tone: 'warn',
    };
  if (s.modal.pausedBecause !== null)
    return { text: `${waiting}: Modal calls are paused (see Remote inference).${failedPart}`, tone: 'warn' };
  return { text: `${waiting} for the next sync.${failedPart}`, tone: 'ok' };
}
