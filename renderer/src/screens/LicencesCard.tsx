import { useQuery } from '../api/query';
import { ErrorBanner } from '../components/common';

/**
 * The licence texts the app must show with the models it ships or converts (ALIKE's BSD-3 asks binary copies to
 * carry its copyright notice, conditions and disclaimer), each under the models it covers.
 */
export function LicencesCard() {
  const licences = useQuery('licences.list', {});
  return (
    <section className="card" aria-labelledby="licences-heading">
      <h2 id="licences-heading">Licences</h2>
      <ErrorBanner
        error={licences.error}
        onRetry={() => void licences.refetch()}
        title="Could not read the licence texts."
      />
      {licences.data?.length === 0 && <p className="muted">No model asks for its licence to be shown.</p>}
      {licences.data?.map((l) => (
        <details key={l.models.join(',')} className="licence">
          <summary>
            <strong>{l.models.join(', ')}</strong>: {l.licence}
          </summary>
          <pre className="licence-text">{l.text}</pre>
        </details>
      ))}
    </section>
  );
}
