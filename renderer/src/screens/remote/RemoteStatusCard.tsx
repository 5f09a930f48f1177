import type { RemoteStatusDto } from '../../../../electron/core/api';
import { useToast } from '../../components/toast';
import {
  codeSegments,
  connectionLabel,
  formatRate,
  policyLabel,
  tokenLabel,
  whereLabel,
} from '../../lib/remote';
import { href } from '../../router';

/** An engine message with its `commands` set as code. */
export function EngineText({ text }: { text: string }) {
  return (
    <>
      {codeSegments(text).map((s, i) =>
        s.code ? <code key={i}>{s.text}</code> : <span key={i}>{s.text}</span>,
      )}
    </>
  );
}

/** A command to run in a terminal, selectable as a whole, with a Copy button. */
export function CommandBlock({ command, what }: { command: string; what: string }) {
  const { show } = useToast();
  return (
    <div className="command">
      <pre>
        <code>{command}</code>
      </pre>
      <button
        type="button"
        className="btn btn-small"
        aria-label={`Copy the ${what}`}
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(command);
            show('Copied.');
          } catch {
            show('Could not copy here: select the command and copy it by hand.', { tone: 'error' });
          }
        }}
      >
        Copy
      </button>
    </div>
  );
}

export function RemoteInferenceCard({ s }: { s: RemoteStatusDto }) {
  const m = s.modal;
  const connection = connectionLabel(m.online);
  const { sent, succeeded, failed, retried, failureRate } = m.stats;
  return (
    <section className="card" aria-labelledby="remote-title">
      <div className="card-head">
        <h2 id="remote-title">Remote inference</h2>
        <a className="small" href={href({ screen: 'settings' })}>
          Change in Settings
        </a>
      </div>
      <dl className="kv">
        <div>
          <dt>Policy</dt>
          <dd>
            {policyLabel(s.policy)}
            {s.staggered && <span className="muted">, stripes first</span>}
          </dd>
        </div>
        <div>
          <dt>Modal</dt>
          <dd>
            <span className={`state state-${m.enabled ? 'good' : 'muted'}`}>{m.enabled ? 'On' : 'Off'}</span>
          </dd>
        </div>
        <div>
          <dt>Token</dt>
          <dd>{tokenLabel(m)}</dd>
        </div>
        <div>
          <dt>Modal app</dt>
          <dd>
            <code>{m.appName}</code>
            {m.environment ? (
              <>
                {' '}
                in <code>{m.environment}</code>
              </>
            ) : (
              <span className="muted"> in the default environment</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Connection</dt>
          <dd>
            <span className={`state state-${connection.tone}`}>{connection.label}</span>
          </dd>
        </div>
        <div>
          <dt>Calls to Modal</dt>
          <dd>
            {sent.toLocaleString()} sent, {succeeded.toLocaleString()} succeeded, {failed.toLocaleString()}{' '}
            failed
            <div className="muted small">
              {formatRate(failureRate)} failure rate
              {retried > 0 ? `, ${retried.toLocaleString()} retried` : ''}
            </div>
          </dd>
        </div>
      </dl>
      {m.token === 'secret-store' && m.tokenStorage === 'plain-text' && (
        <div className="banner banner-warn" role="note">
          <strong>The token is stored as plain text.</strong> This computer offers no system keychain here, so
          anyone who can use this account can read the token file.
        </div>
      )}
      {m.pausedBecause !== null && (
        <div className="banner banner-warn" role="status">
          <strong>Modal calls are paused.</strong> <EngineText text={m.pausedBecause} />
          {m.pausedBecause.includes(m.deployCommand) && (
            <CommandBlock command={m.deployCommand} what="deploy command" />
          )}
        </div>
      )}
      <h3>Where each recognition model runs</h3>
      {s.routes.length === 0 ? (
        <p className="muted">
          No recognition model is installed: the built-in stripe matcher runs on this computer.
        </p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Runs on</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {s.routes.map((r) => {
              const where = whereLabel(r.route);
              return (
                <tr key={r.modelId}>
                  <td>
                    <strong>{r.modelId}</strong>
                  </td>
                  <td>
                    <span className={`state state-${where.tone}`}>{where.label}</span>
                  </td>
                  <td className="muted">{r.reason}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
