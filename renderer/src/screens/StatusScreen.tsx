import type { ModelDto } from '../../../electron/core/api';
import { useQuery } from '../api/query';
import { ErrorBanner, Loading, PageHeader } from '../components/common';
import { formatInstant, formatScore, matcherLabel } from '../lib/format';
import { whereLabel } from '../lib/remote';
import { QueueCard } from './remote/QueueCard';
import { RemoteInferenceCard } from './remote/RemoteStatusCard';
import { EmptyFramesCard } from './EmptyFramesCard';
import { LicencesCard } from './LicencesCard';

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
            <td>
              {m.task === 'detect'
                ? 'Finding animals'
                : m.task === 'local-features'
                  ? 'Matching stripes (learned keypoints)'
                  : 'Recognising individuals'}
            </td>
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
  // Kept fresh by the app's remote watch (api/remote-watch.ts) while work waits or a sync runs.
  const remote = useQuery('remote.status', {});
  const s = status.data;
  const offComputer = remote.data?.routes.filter((r) => r.route === 'modal' || r.route === 'queue') ?? [];
  return (
    <div className="page">
      <PageHeader title="Status">
        <button
          type="button"
          className="btn btn-small"
          onClick={() => {
            void status.refetch();
            void remote.refetch();
          }}
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
          <ErrorBanner
            error={remote.error}
            onRetry={() => void remote.refetch()}
            title="Could not read the remote inference status."
          />
          {remote.data && <QueueCard s={remote.data} />}
          <div className="status-grid">
            <section className="card">
              <h2>Where recognition runs</h2>
              <p className={`where where-${whereLabel(s.inference.where).tone}`}>
                {whereLabel(s.inference.where).label}
              </p>
              {offComputer.length > 0 && (
                <ul className="route-list small">
                  {offComputer.map((r) => (
                    <li key={r.modelId}>
                      Except <strong>{r.modelId}</strong>:{' '}
                      <span className={`state state-${whereLabel(r.route).tone}`}>
                        {whereLabel(r.route).label}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
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
          {remote.data && <RemoteInferenceCard s={remote.data} />}
          <EmptyFramesCard />
          <section className="card">
            <h2>Models</h2>
            <ModelTable models={s.models} />
          </section>
          <LicencesCard />
          <p className="muted small">Data folder: {s.dataDir}</p>
        </>
      )}
    </div>
  );
}
