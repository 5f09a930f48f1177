import { useEffect, useId, useState } from 'react';
import type { RemoteStatusDto } from '../../../../electron/core/api';
import { useMutation, useQuery } from '../../api/query';
import { ErrorBanner, FormFooter, InlineError, Loading } from '../../components/common';
import { useToast } from '../../components/toast';
import {
  POLICY_OPTIONS,
  remoteChanges,
  remoteFormFrom,
  type ModalChoice,
  type RemoteForm,
} from '../../lib/remote';

/** Settings → Remote inference: where recognition runs, the Modal app, and the token. */
export function RemoteSettingsSection() {
  const status = useQuery('remote.status', {});
  return (
    <section className="card" aria-labelledby="remote-settings-title">
      <h2 id="remote-settings-title">Remote inference</h2>
      <p className="help">
        Recognition models can run on a Modal cloud GPU. While this computer is offline the work waits in the
        queue (see Status) and is sent when the connection returns.
      </p>
      <ErrorBanner
        error={status.error}
        onRetry={() => void status.refetch()}
        title="Could not read the remote inference settings."
      />
      {!status.data && !status.error && <Loading />}
      {status.data && <RemoteSettingsForm s={status.data} />}
      <ModalTokenForm tokenElsewhere={status.data?.modal.token ?? null} />
    </section>
  );
}

const MODAL_CHOICES: { value: ModalChoice; label: string }[] = [
  { value: 'on', label: 'On' },
  { value: 'off', label: 'Off' },
  { value: 'environment', label: 'As the MODAL_ENABLED variable says' },
];

function RemoteSettingsForm({ s }: { s: RemoteStatusDto }) {
  const save = useMutation('remote.configure');
  const { show } = useToast();
  const initial = remoteFormFrom(s);
  // The status is polled while work waits: reset the form only when the settings themselves changed.
  const initialKey = JSON.stringify(initial);
  const [form, setForm] = useState<RemoteForm>(initial);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => setForm(remoteFormFrom(s)), [initialKey]);
  const ids = {
    policy: useId(),
    modal: useId(),
    app: useId(),
    env: useId(),
    staggered: useId(),
    concurrency: useId(),
  };
  const set = <K extends keyof RemoteForm>(key: K, value: RemoteForm[K]) =>
    setForm((f) => ({ ...f, [key]: value }));

  const submit = async () => {
    setProblem(null);
    save.reset();
    const result = remoteChanges(initial, form);
    if ('problem' in result) return setProblem(result.problem);
    if (Object.keys(result.changes).length === 0) return show('Nothing changed.');
    if (await save.run(result.changes)) {
      show('Remote inference settings saved.');
    }
  };

  return (
    <form
      className="subform-first"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <fieldset className="choices">
        <legend>Where recognition runs</legend>
        {POLICY_OPTIONS.map((o) => (
          <div className="choice" key={o.value}>
            <input
              type="radio"
              id={`${ids.policy}-${o.value}`}
              name={ids.policy}
              value={o.value}
              checked={form.policy === o.value}
              onChange={() => set('policy', o.value)}
              aria-describedby={`${ids.policy}-${o.value}-help`}
            />
            <label htmlFor={`${ids.policy}-${o.value}`}>{o.label}</label>
            <p className="help" id={`${ids.policy}-${o.value}-help`}>
              {o.help}
            </p>
          </div>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor={ids.modal}>Use Modal</label>
        <select
          id={ids.modal}
          className="input"
          value={form.modal}
          onChange={(e) => set('modal', e.target.value as ModalChoice)}
        >
          {MODAL_CHOICES.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
        <p className="help">Off: nothing is sent to Modal, whatever the policy says.</p>
      </div>
      <div className="field-pair">
        <div className="field">
          <label htmlFor={ids.app}>Modal app name</label>
          <input
            id={ids.app}
            className="input"
            value={form.appName}
            placeholder={s.modal.appName}
            onChange={(e) => set('appName', e.target.value)}
            spellCheck={false}
            autoComplete="off"
          />
          <p className="help">
            The deployed app, e.g. <code>tiger-id-models</code>: letters, digits, “.”, “_” or “-”, up to 64.
            Empty: the MODAL_APP_NAME variable or the default.
          </p>
        </div>
        <div className="field">
          <label htmlFor={ids.env}>Modal environment</label>
          <input
            id={ids.env}
            className="input"
            value={form.environment}
            placeholder={s.modal.environment ?? ''}
            onChange={(e) => set('environment', e.target.value)}
            spellCheck={false}
            autoComplete="off"
          />
          <p className="help">E.g. main. Empty: the MODAL_ENVIRONMENT variable or the workspace default.</p>
        </div>
      </div>
      <div className="field">
        <div className="check">
          <input
            type="checkbox"
            id={ids.staggered}
            checked={form.staggered}
            onChange={(e) => set('staggered', e.target.checked)}
            aria-describedby={`${ids.staggered}-help`}
          />
          <label htmlFor={ids.staggered}>Staggered: stripes first</label>
        </div>
        <p className="help" id={`${ids.staggered}-help`}>
          The built-in stripe matcher runs first; the expensive remote model is called only when the stripes
          are not decisive.
        </p>
      </div>
      <div className="field">
        <label htmlFor={ids.concurrency}>Parallel calls to Modal</label>
        <input
          id={ids.concurrency}
          className="input input-short"
          type="number"
          min={1}
          max={64}
          step={1}
          value={form.concurrency}
          onChange={(e) => set('concurrency', e.target.value)}
        />
        <p className="help">
          How many queued jobs a sync sends at once, 1 to 64. Empty: keep the current number.
        </p>
      </div>
      <FormFooter
        pending={save.pending}
        label="Save remote inference settings"
        problem={problem}
        error={save.error}
      />
    </form>
  );
}

/** The token is write-only: it can be set, replaced or removed, never read back. */
function ModalTokenForm({ tokenElsewhere }: { tokenElsewhere: RemoteStatusDto['modal']['token'] }) {
  const status = useQuery('secrets.status', {});
  const setToken = useMutation('secrets.setModalToken');
  const clearToken = useMutation('secrets.clearModalToken');
  const { show } = useToast();
  const [tokenId, setTokenId] = useState('');
  const [secret, setSecret] = useState('');
  const [replacing, setReplacing] = useState(false);
  const ids = { id: useId(), secret: useId() };
  const s = status.data;
  const showForm = s !== undefined && (!s.modalTokenSet || replacing);

  return (
    <div className="subform">
      <h3>Modal token</h3>
      <ErrorBanner
        error={status.error}
        onRetry={() => void status.refetch()}
        title="Could not read the token status."
      />
      {s?.backend === 'plain-text' && (
        <div className="banner banner-warn" role="note">
          <strong>Stored as plain text.</strong> This computer has no system keychain available here, so the
          token is saved in a file readable by anyone who can use this account.
        </div>
      )}
      {s && (
        <p className={`where ${s.modalTokenSet ? 'where-good' : ''}`}>
          {s.modalTokenSet ? 'A Modal token is saved.' : 'No Modal token is saved here.'}
        </p>
      )}
      {tokenElsewhere === 'environment' && (
        <p className="help">
          A token is set by the MODAL_TOKEN_ID and MODAL_TOKEN_SECRET variables; a token saved here is used
          instead.
        </p>
      )}
      {tokenElsewhere === 'modal-profile' && (
        <p className="help">
          The token Modal’s own tools saved on this computer (~/.modal.toml, from “modal token new”) is in
          use; a token saved here is used instead.
        </p>
      )}
      {s?.modalTokenSet && !replacing && (
        <div className="form-actions">
          <button type="button" className="btn" onClick={() => setReplacing(true)}>
            Replace token
          </button>
          <button
            type="button"
            className="btn btn-danger"
            disabled={clearToken.pending}
            onClick={async () => {
              if (await clearToken.run({})) show('Modal token removed.');
            }}
          >
            Remove token
          </button>
        </div>
      )}
      {showForm && (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            const r = await setToken.run({ tokenId: tokenId.trim(), tokenSecret: secret.trim() });
            if (r) {
              setTokenId('');
              setSecret('');
              setReplacing(false);
              show('Modal token saved.');
            }
          }}
        >
          <p className="help help-block">
            Create one with <code>modal token new</code> or on modal.com. It is kept on this computer and
            never shown again.
          </p>
          <div className="field">
            <label htmlFor={ids.id}>Token ID</label>
            <input
              id={ids.id}
              className="input input-wide"
              value={tokenId}
              onChange={(e) => setTokenId(e.target.value)}
              autoComplete="off"
              spellCheck={false}
            />
          </div>
          <div className="field">
            <label htmlFor={ids.secret}>Token secret</label>
            <input
              id={ids.secret}
              className="input input-wide"
              type="password"
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
              autoComplete="new-password"
            />
          </div>
          <div className="form-actions">
            <button
              type="submit"
              className="btn btn-primary"
              disabled={!tokenId.trim() || !secret.trim() || setToken.pending}
            >
              Save token
            </button>
            {replacing && (
              <button
                type="button"
                className="btn"
                onClick={() => {
                  setReplacing(false);
                  setTokenId('');
                  setSecret('');
                  setToken.reset();
                }}
              >
                Keep the saved token
              </button>
            )}
          </div>
        </form>
      )}
      <InlineError error={setToken.error ?? clearToken.error} />
    </div>
  );
}
