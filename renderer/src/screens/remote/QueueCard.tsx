import { useEffect, useRef, useState } from 'react';
import type { ApiInput, QueueJobDto, RemoteStatusDto } from '../../../../electron/core/api';
import { useMutation, useQuery } from '../../api/query';
import { ErrorBanner, InlineError } from '../../components/common';
import { useToast } from '../../components/toast';
import { formatInstant, plural } from '../../lib/format';
import { JOB_STATES, nextTryLabel, openJobs, queueSummary } from '../../lib/remote';
import { href } from '../../router';

const JOB_ROWS = 50;
/** The jobs worth a look: those still to be sent and those that failed (done and cancelled ones are history). */
const LIST_ARGS: ApiInput<'queue.list'> = { states: ['running', 'pending', 'failed'], limit: JOB_ROWS };

export function QueueCard({ s }: { s: RemoteStatusDto }) {
  const jobs = useQuery('queue.list', LIST_ARGS);
  const sync = useMutation('queue.sync');
  const retry = useMutation('queue.retry');
  const cancel = useMutation('queue.cancel');
  const { show } = useToast();
  const [confirmCancel, setConfirmCancel] = useState(false);
  const open = openJobs(s);
  const listed = open + s.queue.failed;
  // A queue never used (Modal off, say) is one line, not a row of zeros.
  const used = listed + s.queue.done + s.queue.cancelled > 0;
  const syncing = s.syncing || sync.pending;
  const busy = retry.pending || cancel.pending;
  const summary = queueSummary(s);

  // The job list follows the counts of the status the app keeps polling, rather than polling on its own.
  const counts = `${s.queue.pending}/${s.queue.running}/${s.queue.failed}/${s.queue.done}/${s.queue.cancelled}`;
  const seenCounts = useRef(counts);
  const refetchJobs = jobs.refetch;
  useEffect(() => {
    if (seenCounts.current === counts) return;
    seenCounts.current = counts;
    void refetchJobs();
  }, [counts, refetchJobs]);

  const retryJobs = async (jobIds?: number[]) => {
    const r = await retry.run(jobIds ? { jobIds } : {});
    if (r) show(`${plural(r.count, 'job')} queued again.`);
  };
  const cancelJobs = async (jobIds?: number[]) => {
    const r = await cancel.run(jobIds ? { jobIds } : {});
    if (r) show(`${plural(r.count, 'job')} cancelled.`);
    setConfirmCancel(false);
  };

  return (
    <section className="card" aria-labelledby="queue-title">
      <div className="card-head">
        <h2 id="queue-title">Queue</h2>
        <span className="muted small">Work for Modal, kept on this computer until it is done</span>
      </div>
      {used && (
        <dl className="stats stats-compact">
          <div>
            <dt>Waiting</dt>
            <dd className={s.queue.pending > 0 ? 'warn' : ''}>{s.queue.pending.toLocaleString()}</dd>
          </div>
          <div>
            <dt>Sending</dt>
            <dd>{s.queue.running.toLocaleString()}</dd>
          </div>
          <div>
            <dt>Failed</dt>
            <dd className={s.queue.failed > 0 ? 'bad' : ''}>{s.queue.failed.toLocaleString()}</dd>
          </div>
          <div>
            <dt>Done</dt>
            <dd>{s.queue.done.toLocaleString()}</dd>
          </div>
        </dl>
      )}
      <p className={`queue-summary state-${summary.tone}`}>{summary.text}</p>
      {s.lastSync && (
        <p className="last-sync">
          <span className="muted">Last sync {formatInstant(s.lastSync.finishedAt)}:</span>{' '}
          {s.lastSync.message}
          {s.lastSync.needReview > 0 && (
            <>
              {' '}
              <a href={href({ screen: 'review' })}>Review {plural(s.lastSync.needReview, 'detection')}</a>
            </>
          )}
        </p>
      )}
      {listed > 0 && (
        <div className="form-actions">
          <button
            type="button"
            className="btn btn-primary"
            disabled={syncing || open === 0}
            onClick={() => void sync.run({})}
          >
            {syncing ? 'Syncing…' : 'Sync now'}
          </button>
          <button
            type="button"
            className="btn"
            disabled={busy || s.queue.failed === 0}
            onClick={() => void retryJobs()}
          >
            Retry all failed
          </button>
          <button
            type="button"
            className="btn btn-danger"
            disabled={busy || listed === 0 || confirmCancel}
            onClick={() => setConfirmCancel(true)}
          >
            Cancel all
          </button>
          <span className="muted small">Holds at most {plural(s.queue.maxSize, 'job')}.</span>
        </div>
      )}
      {confirmCancel && listed > 0 && (
        <div className="confirm" role="group" aria-labelledby="cancel-all-question">
          <p id="cancel-all-question">
            Cancel all {plural(listed, 'waiting or failed job', 'waiting and failed jobs')}? The photos stay
            in the gallery, but their remote recognition will not run.
          </p>
          <div className="form-actions">
            <button
              type="button"
              className="btn btn-danger"
              disabled={cancel.pending}
              onClick={() => void cancelJobs()}
            >
              Yes, cancel all
            </button>
            <button type="button" className="btn" onClick={() => setConfirmCancel(false)}>
              Keep them
            </button>
          </div>
        </div>
      )}
      <InlineError error={sync.error ?? retry.error ?? cancel.error} />
      <ErrorBanner error={jobs.error} onRetry={() => void jobs.refetch()} title="Could not list the jobs." />
      {listed > 0 && jobs.data && jobs.data.length > 0 && (
        <JobTable
          jobs={jobs.data}
          total={listed}
          busy={busy}
          onRetry={(id) => void retryJobs([id])}
          onCancel={(id) => void cancelJobs([id])}
        />
      )}
    </section>
  );
}

function JobTable({
  jobs,
  total,
  busy,
  onRetry,
  onCancel,
}: {
  jobs: QueueJobDto[];
  total: number;
  busy: boolean;
  onRetry: (jobId: number) => void;
  onCancel: (jobId: number) => void;
}) {
  const now = new Date();
  return (
    <>
      <table className="table job-table">
        <thead>
          <tr>
            <th scope="col" className="num">
              Job
            </th>
            <th scope="col" className="num">
              Detection
            </th>
            <th scope="col">Model</th>
            <th scope="col">State</th>
            <th scope="col" className="num">
              Tries
            </th>
            <th scope="col">Next try</th>
            <th scope="col">Last error</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((j) => {
            const state = JOB_STATES[j.state];
            return (
              <tr key={j.jobId}>
                <td className="num">{j.jobId}</td>
                <td className="num">{j.detectionId ?? '—'}</td>
                <td>{j.modelId ?? '—'}</td>
                <td>
                  <span className={`state state-${state.tone}`}>{state.label}</span>
                </td>
                <td className="num">{j.attempts}</td>
                <td>{nextTryLabel(j, now)}</td>
                <td className="cell-error">{j.lastError ?? ''}</td>
                <td>
                  <div className="row-actions">
                    {j.state !== 'running' && (
                      <button
                        type="button"
                        className="btn btn-small"
                        disabled={busy}
                        aria-label={j.state === 'failed' ? `Retry job ${j.jobId}` : `Try job ${j.jobId} now`}
                        onClick={() => onRetry(j.jobId)}
                      >
                        {j.state === 'failed' ? 'Retry' : 'Try now'}
                      </button>
                    )}
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={busy}
                      aria-label={`Cancel job ${j.jobId}`}
                      onClick={() => onCancel(j.jobId)}
                    >
                      Cancel
                    </button>
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {total > jobs.length && (
        <p className="muted small">
          Showing the first {jobs.length.toLocaleString()} of {plural(total, 'job')}.
        </p>
      )}
    </>
  );
}
