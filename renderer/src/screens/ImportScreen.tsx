import { useEffect, useId, useRef, useState } from 'react';
import type { ImportJobDto } from '../../../electron/core/api';
import { nativeFolderPicker } from '../api/client';
import { queries, useMutation, useQuery } from '../api/query';
import { ErrorBanner, FolderInput, InlineError, PageHeader } from '../components/common';
import { baseName, formatDuration, formatInstant, phaseLabel, plural } from '../lib/format';
import { navigate } from '../router';

export function ImportScreen() {
  const jobs = useQuery('imports.list', {});
  const running = jobs.data?.find((j) => j.state === 'running');
  // Poll while an import runs; the list itself is cheap.
  const polled = useQuery('imports.list', {}, { pollMs: running ? 1000 : 0 });
  const latest = (polled.data ?? jobs.data)?.[0];
  const earlier = (polled.data ?? jobs.data)?.slice(1) ?? [];

  // When an import finishes, the gallery and the review queue changed: refresh every view.
  const lastState = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (lastState.current === 'running' && latest && latest.state !== 'running') queries.invalidateAll();
    lastState.current = latest?.state;
  }, [latest]);

  return (
    <div className="page page-narrow">
      <PageHeader title="Import photos" />
      <ErrorBanner error={jobs.error} onRetry={() => void jobs.refetch()} title="Could not load imports." />
      <ImportForm busy={Boolean(running)} />
      {latest && <ImportJob job={latest} />}
      {earlier.length > 0 && <EarlierImports jobs={earlier} />}
    </div>
  );
}

function ImportForm({ busy }: { busy: boolean }) {
  const [folder, setFolder] = useState('');
  const [station, setStation] = useState('');
  const start = useMutation('imports.start');
  const pick = nativeFolderPicker();
  const folderId = useId();
  const stationId = useId();
  const helpId = useId();

  const submit = async () => {
    const args = { folder: folder.trim(), ...(station.trim() ? { station: station.trim() } : {}) };
    const job = await start.run(args);
    if (job) queries.invalidateAll();
  };

  return (
    <form
      className="card form-card"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="field">
        <label htmlFor={folderId}>Folder of camera-trap photos</label>
        <FolderInput
          id={folderId}
          value={folder}
          onChange={setFolder}
          describedBy={helpId}
          className="input input-wide"
        />
        <p className="help" id={helpId}>
          {pick
            ? 'Choose the SD card or a folder copied from it, or type its path.'
            : 'Type the full path of the folder on this computer, for example /media/ranger/SDCARD/DCIM.'}{' '}
          Sub-folders are included. Importing the same folder again resumes where it stopped and skips photos
          already imported.
        </p>
      </div>
      <div className="field">
        <label htmlFor={stationId}>
          Camera station <span className="optional">(optional)</span>
        </label>
        <input
          id={stationId}
          type="text"
          className="input"
          value={station}
          onChange={(e) => setStation(e.target.value)}
          autoComplete="off"
        />
        <p className="help">The camera-trap station these photos come from, e.g. “Kanha C-14”.</p>
      </div>
      <div className="form-actions">
        <button
          type="submit"
          className="btn btn-primary btn-large"
          disabled={busy || start.pending || !folder.trim()}
        >
          {start.pending ? 'Starting…' : 'Start import'}
        </button>
        {busy && (
          <span className="help">An import is running; wait for it or cancel it to start another.</span>
        )}
      </div>
      <InlineError error={start.error} />
    </form>
  );
}

function ImportJob({ job }: { job: ImportJobDto }) {
  const cancel = useMutation('imports.cancel');
  const undecided = useQuery('review.queue', { limit: 1 });
  const pct = job.total ? Math.min(100, Math.round((job.done / job.total) * 100)) : null;
  // A folder that could not be read at all: the error says it all, a row of zeros would only add noise.
  const nothingDone =
    job.state === 'failed' && job.imported + job.duplicates + job.detections + job.failed.length === 0;
  const title =
    job.state === 'running'
      ? 'Importing'
      : job.state === 'done'
        ? 'Import finished'
        : job.state === 'cancelled'
          ? 'Import stopped'
          : 'Import failed';

  return (
    <section className="card" aria-labelledby="job-title">
      <div className="card-head">
        <h2 id="job-title">{title}</h2>
        <span className="muted" title={job.folder}>
          {job.folder}
          {job.station ? ` · station ${job.station}` : ''}
        </span>
      </div>

      {job.state === 'running' && (
        <div className="progress-block">
          <div className="progress-line">
            <strong>{phaseLabel(job.phase)}</strong>
            <span>
              {job.total !== null
                ? `${job.done.toLocaleString()} of ${plural(job.total, 'photo')}`
                : `${plural(job.done, 'photo')} found so far`}
            </span>
          </div>
          <div
            className={`progress ${pct === null ? 'progress-indeterminate' : ''}`}
            role="progressbar"
            aria-label={phaseLabel(job.phase)}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={pct ?? undefined}
          >
            <div className="progress-fill" style={{ width: pct === null ? '30%' : `${pct}%` }} />
          </div>
          <div className="progress-line muted">
            <span>
              {job.ratePerSecond > 0
                ? `${job.ratePerSecond.toFixed(1)} photos per second`
                : 'Measuring speed…'}
            </span>
            <span>{job.etaSeconds !== null ? `About ${formatDuration(job.etaSeconds)} left` : ''}</span>
          </div>
          <div className="form-actions">
            <button
              type="button"
              className="btn"
              disabled={cancel.pending}
              onClick={() => void cancel.run({ jobId: job.jobId })}
            >
              {cancel.pending ? 'Stopping…' : 'Cancel import'}
            </button>
            <span className="help">
              Photos already imported are kept; start the same folder again to resume.
            </span>
          </div>
          <InlineError error={cancel.error} />
        </div>
      )}

      {job.state !== 'running' && (
        <>
          {job.error && (
            <p className="inline-error" role="alert">
              {job.error}
            </p>
          )}
          {job.state === 'cancelled' && (
            <p className="help">
              Start the same folder again to resume: photos already imported are skipped.
            </p>
          )}
          {!nothingDone && (
            <dl className="stats">
              <div>
                <dt>Photos imported</dt>
                <dd>{job.imported.toLocaleString()}</dd>
              </div>
              <div>
                <dt>Already in the gallery</dt>
                <dd>{job.duplicates.toLocaleString()}</dd>
              </div>
              <div>
                <dt>Animals found</dt>
                <dd>{job.detections.toLocaleString()}</dd>
              </div>
              <div>
                <dt>Empty frames set aside</dt>
                <dd>{job.emptyFrames.toLocaleString()}</dd>
              </div>
              <div>
                <dt>Files with problems</dt>
                <dd className={job.failed.length ? 'warn' : ''}>{job.failed.length.toLocaleString()}</dd>
              </div>
            </dl>
          )}
          {undecided.data && undecided.data.total > 0 && (
            <button
              type="button"
              className="btn btn-primary btn-large"
              onClick={() => navigate({ screen: 'review' })}
            >
              Review {plural(undecided.data.total, 'detection')}
            </button>
          )}
        </>
      )}

      {job.failed.length > 0 && <FailedFiles failed={job.failed} />}
    </section>
  );
}

function FailedFiles({ failed }: { failed: ImportJobDto['failed'] }) {
  return (
    <details className="failed" open={failed.length <= 20}>
      <summary>
        {plural(failed.length, 'file')} could not be imported or analysed (the rest of the import went on)
      </summary>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {failed.map((f, i) => (
            <tr key={`${f.path}-${i}`}>
              <td title={f.path} className="cell-file">
                {baseName(f.path)}
              </td>
              <td>{f.message || f.code}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function EarlierImports({ jobs }: { jobs: ImportJobDto[] }) {
  const stateLabel: Record<ImportJobDto['state'], string> = {
    running: 'Running',
    done: 'Finished',
    cancelled: 'Stopped',
    failed: 'Failed',
  };
  return (
    <section className="card">
      <h2>Earlier imports in this session</h2>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Folder</th>
            <th scope="col">Started</th>
            <th scope="col">Result</th>
            <th scope="col" className="num">
              Imported
            </th>
            <th scope="col" className="num">
              Animals
            </th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((j) => (
            <tr key={j.jobId}>
              <td title={j.folder} className="cell-file">
                {j.folder}
              </td>
              <td>{formatInstant(j.startedAt)}</td>
              <td>{stateLabel[j.state]}</td>
              <td className="num">{j.imported.toLocaleString()}</td>
              <td className="num">{j.detections.toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
