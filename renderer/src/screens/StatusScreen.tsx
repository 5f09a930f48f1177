import type { ModelDto, StatusDto } from '../../../electron/core/api';
import { useQuery } from '../api/query';
import { ErrorBanner, Loading, PageHeader } from '../components/common';
import { formatInstant, formatScore } from '../lib/format';

const WHERE: Record<string, { label: string; tone: 'good' | 'ok' | 'warn' }> = {
  'local-cuda': { label: 'This computer’s GPU (CUDA)', tone: 'good' },
  'local-cpu': { label: 'This computer’s processor (CPU)', tone: 'ok' },
  modal: { label: 'Modal cloud GPU', tone: 'good' },
  offline: { label: 'Offline: work is queued until the connection returns', tone: 'warn' },
};

export function whereLabel(where: StatusDto['inference']['where'] | string): {
  label: string;
  tone: 'good' | 'ok' | 'warn';
} {
  return WHERE[where] ?? { label: where, tone: 'ok' };
}

/** The matcher id in words: the built-in stripe matcher runs when no recognition model is installed. */
export function matcherLabel(matcher: string): string {
  if (matcher.startsWith('builtin-stripes'))
    return 'Built-in stripe matcher (no recognition model installed)';
  return matcher.split(' + ')[0] ?? matcher;
}

export function modelStateLabel(state: string): string {
  const map: Record<string, string> = {
    installed: 'Installed',
    verified: 'Installed and checked',
    'not-installed': 'Not installed',
    missing: 'File missing: import it again',
    corrupt: 'File damaged or wrong: import it again',
  };
  return map[state] ?? state.charAt(0).toUpperCase() + state.slice(1).replace(/-/g, ' ');
}

export function ModelTable({ models }: { models: ModelDto[] }) {
  if (models.length === 0) return <p className="muted">No models are listed in the manifest.</p>;
  return (
    <table className="table">
      <thead>
        <tr>
          <th scope="col">Model</th>
          <th scope="col">Used for</th>
          <th scope="col">Licence</th>
          <th scope="col">State</th>
        </tr>
      </thead>
      <tbody>
        {models.map((m) => (
          <tr key={m.id}>
            <td>
              <strong>{m.id}</strong>
              {m.description && <div className="muted small">{m.description}</div>}
            </td>
            <td>{m.task === 'detect' ? 'Finding animals' : 'Recognising individuals'}</td>
            <td>{m.licence}</td>
            <td>
              <span
                className={`state state-${m.state === 'installed' || m.state === 'verified' ? 'good' : m.state === 'not-installed' ? 'muted' : 'bad'}`}
              >
                {modelStateLabel(m.state)}
              </span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function StatusScreen() {
  const status = useQuery('status.get', {});
  const settings = useQuery('settings.get', {});
  const s = status.data;
  return (
    <div className="page">
      <PageHeader title="Status">
        <button
          type="button"
          className="btn btn-small"
          onClick={() => void status.refetch()}
          disabled={status.loading}
        >
          {status.loading ? 'Checking…' : 'Check again'}
        </button>
      </PageHeader>
      <ErrorBanner
        error={status.error}
        onRetry={() => void status.refetch()}
        title="Could not read the status."
      />
      {!s && !status.error && <Loading />}
      {s && (
        <>
          <dl className="stats stats-big">
            <div>
              <dt>Photos</dt>
              <dd>{s.counts.media.toLocaleString()}</dd>
            </div>
            <div>
              <dt>Animals found</dt>
              <dd>{s.counts.detections.toLocaleString()}</dd>
            </div>
            <div>
              <dt>Waiting for review</dt>
              <dd>{s.counts.undecided.toLocaleString()}</dd>
            </div>
            <div>
              <dt>Individuals</dt>
              <dd>{s.counts.individuals.toLocaleString()}</dd>
            </div>
          </dl>
          <div className="status-grid">
            <section className="card">
              <h2>Where recognition runs</h2>
              <p className={`where where-${whereLabel(s.inference.where).tone}`}>
                {whereLabel(s.inference.where).label}
              </p>
              <details className="why">
                <summary>Why</summary>
                <p className="muted small">{s.inference.reason}</p>
              </details>
            </section>
            <section className="card">
              <h2>Matcher</h2>
              <p className="where">{matcherLabel(s.matcher)}</p>
              <p className="muted small">{s.matcher}</p>
              <p className="muted">How photos are compared with the gallery.</p>
            </section>
            <section className="card">
              <h2>New-individual check</h2>
              {s.calibrated ? (
                <>
                  <p className="where where-good">Calibrated</p>
                  <p className="muted">
                    {settings.data?.newIndividualThreshold !== null &&
                    settings.data?.newIndividualThreshold !== undefined
                      ? `Threshold ${formatScore(settings.data.newIndividualThreshold)}`
                      : ''}
                    {settings.data?.calibratedAt ? `, set ${formatInstant(settings.data.calibratedAt)}` : ''}
                  </p>
                </>
              ) : (
                <>
                  <p className="where where-warn">Not calibrated</p>
                  <p className="muted">
                    Review shows candidates without a “new individual?” hint. Calibrate with{' '}
                    <code>tigerid calibrate</code> once some matches are confirmed.
                  </p>
                </>
              )}
            </section>
          </div>
          <section className="card">
            <h2>Models</h2>
            <ModelTable models={s.models} />
          </section>
          <p className="muted small">Data folder: {s.dataDir}</p>
        </>
      )}
    </div>
  );
}
