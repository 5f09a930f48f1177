import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from '../../api/client';
import { useQuery } from '../../api/query';
import {
  DEFAULT_OPTIONS,
  defaultOutputName,
  describeExportError,
  EXPORT_KINDS,
  exportRequest,
  localDate,
  replaceQuestion,
  requestPath,
  type ExportErrorView,
  type ExportOptions,
  type ExportOutcome,
  type ExportTarget,
} from '../../lib/exports';
import './export-dialog.css';
import { OptionFields, OutputFields } from './ExportFields';
import { lastExportFolder, rememberExportFolder } from './last-folder';
import { runExport } from './run-export';

type Phase =
  | { state: 'idle'; note: string | null }
  | { state: 'running' }
  | { state: 'confirm'; path: string }
  | { state: 'failed'; error: ExportErrorView }
  | { state: 'done'; outcome: ExportOutcome };

const IDLE: Phase = { state: 'idle', note: null };

/**
 * The one report and export dialog: where to save (folder and name, prefilled), the export's own options, then
 * "Writing…", the result, a "Replace?" question when the file exists (nothing is replaced without a yes), or the
 * error with what to do next. A native modal <dialog>: focus stays inside, Escape closes it (not while writing),
 * and the opener gets the focus back (ExportButton).
 */
export function ExportDialog({
  targets,
  title,
  onClose,
}: {
  /** One export, or several to choose from (the gallery's Export…). */
  targets: ExportTarget[];
  title?: string;
  onClose: () => void;
}) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const folderRef = useRef<HTMLInputElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const offsetRef = useRef<HTMLInputElement>(null);
  const statusRef = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const aboutId = useId();
  const [today] = useState(() => localDate(new Date()));
  const [index, setIndex] = useState(0);
  const [options, setOptions] = useState<ExportOptions>(DEFAULT_OPTIONS);
  const [typedFolder, setTypedFolder] = useState<string | null>(lastExportFolder);
  const [typedName, setTypedName] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>(IDLE);
  const defaultFolder = useQuery('exports.defaultFolder', {});
  const stations = useQuery('stations.list', {}, { enabled: options.stationId !== null });

  const target = targets[index] ?? targets[0];
  if (!target) throw new Error('ExportDialog needs at least one export target');
  const info = EXPORT_KINDS[target.kind];
  const stationName = stations.data?.find((s) => s.stationId === options.stationId)?.name ?? null;
  const folder = typedFolder ?? defaultFolder.data?.folder ?? '';
  const name = typedName ?? defaultOutputName(target, options, today, stationName);
  const running = phase.state === 'running';
  const invalid = phase.state === 'failed' ? phase.error.field : null;

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    // One export: its primary button, so Enter saves with the suggested name. A choice: the chosen format.
    dialog.querySelector<HTMLElement>('[data-initial-focus]')?.focus();
    return () => {
      if (dialog.open) dialog.close();
    };
  }, []);

  // A new status (the question, an error, the result) is scrolled into view and the focus goes where the user
  // acts next: the safe answer to "Replace?", the field an error is about, or Close.
  useEffect(() => {
    if (phase.state === 'idle') return;
    statusRef.current?.scrollIntoView({ block: 'nearest' });
    if (phase.state === 'confirm')
      statusRef.current?.querySelector<HTMLElement>('[data-safe-choice]')?.focus();
    if (phase.state === 'done')
      dialogRef.current?.querySelector<HTMLElement>('[data-close-primary]')?.focus();
    if (phase.state === 'failed' && phase.error.field) {
      ({ folder: folderRef, name: nameRef, utcOffset: offsetRef })[phase.error.field].current?.focus();
    }
  }, [phase]);

  /** Any edit makes the last question, error or result stale. */
  const edited = () => {
    if (!running) setPhase(IDLE);
  };

  const save = async (overwrite: boolean) => {
    if (running) return;
    const request = exportRequest(target, options, { folder, name, overwrite });
    setPhase({ state: 'running' });
    try {
      const outcome = await runExport(request);
      rememberExportFolder(folder.trim());
      setPhase({ state: 'done', outcome });
    } catch (error) {
      const code = error instanceof ApiError ? error.code : 'UNKNOWN';
      if (code === 'OUTPUT_EXISTS' && !overwrite) {
        setPhase({ state: 'confirm', path: requestPath(request) });
        return;
      }
      setPhase({
        state: 'failed',
        error: describeExportError({ code, message: errorMessage(error) }, target.kind, options),
      });
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save(false);
  };

  return (
    <dialog
      ref={dialogRef}
      className="export-dialog"
      aria-labelledby={titleId}
      aria-describedby={aboutId}
      aria-busy={running || undefined}
      // Screen shortcuts (the review keys) must not act behind the dialog.
      onKeyDown={(e) => e.stopPropagation()}
      onCancel={(e) => {
        e.preventDefault();
        if (!running) onClose();
      }}
      // Chromium may close a dialog whose cancel was refused (no user activation since): follow it. A close
      // event that arrives when the dialog is open again (the mount effect ran twice) is stale and ignored.
      onClose={() => {
        if (!dialogRef.current?.open) onClose();
      }}
    >
      <form className="export-form" onSubmit={submit}>
        <header className="export-head">
          <h2 id={titleId}>{title ?? info.label}</h2>
          <button
            type="button"
            className="export-close"
            aria-label="Close"
            disabled={running}
            onClick={onClose}
          >
            ×
          </button>
        </header>
        <div className="export-body">
          <fieldset className="export-fields" disabled={running}>
            {targets.length > 1 && (
              <fieldset className="export-kinds">
                <legend>What to export</legend>
                {targets.map((t, i) => (
                  <label key={t.kind} className={`export-kind ${i === index ? 'selected' : ''}`}>
                    <input
                      type="radio"
                      name="export-kind"
                      checked={i === index}
                      data-initial-focus={i === index ? '' : undefined}
                      onChange={() => {
                        setIndex(i);
                        setTypedName(null);
                        edited();
                      }}
                    />
                    {EXPORT_KINDS[t.kind].label}
                  </label>
                ))}
              </fieldset>
            )}
            <p className="help export-about" id={aboutId}>
              {info.about}
            </p>
            <OptionFields
              kind={target.kind}
              options={options}
              onChange={(patch) => {
                setOptions((o) => ({ ...o, ...patch }));
                edited();
              }}
              invalid={invalid === 'utcOffset' ? 'utcOffset' : null}
              offsetRef={offsetRef}
            />
            <OutputFields
              kind={target.kind}
              folder={folder}
              name={name}
              onFolder={(f) => {
                setTypedFolder(f);
                edited();
              }}
              onName={(n) => {
                setTypedName(n);
                edited();
              }}
              invalid={invalid === 'folder' || invalid === 'name' ? invalid : null}
              nameRef={nameRef}
              folderRef={folderRef}
            />
            {defaultFolder.error && typedFolder === null && (
              <p className="inline-error" role="alert">
                Could not get the default export folder: {defaultFolder.error.message} Type a folder instead.
              </p>
            )}
          </fieldset>
          <div ref={statusRef} className="export-status" aria-live="polite">
            <Status
              phase={phase}
              kind={target.kind}
              working={info.working}
              onReplace={() => void save(true)}
              onKeep={() => {
                setPhase({
                  state: 'idle',
                  note: `Nothing was written; ${info.output === 'file' ? 'the existing file is unchanged' : 'the folder is unchanged'}. Change the name to save a new copy.`,
                });
                nameRef.current?.focus();
              }}
            />
          </div>
        </div>
        <footer className="export-actions">
          {phase.state === 'done' ? (
            <button type="button" className="btn btn-primary" data-close-primary="" onClick={onClose}>
              Close
            </button>
          ) : (
            <>
              <button type="button" className="btn" disabled={running} onClick={onClose}>
                Cancel
              </button>
              {phase.state !== 'confirm' && (
                <button
                  type="submit"
                  className="btn btn-primary"
                  disabled={running || !folder.trim() || !name.trim()}
                  data-initial-focus={targets.length === 1 ? '' : undefined}
                >
                  {running ? info.working : info.action}
                </button>
              )}
            </>
          )}
        </footer>
      </form>
    </dialog>
  );
}

function Status({
  phase,
  kind,
  working,
  onReplace,
  onKeep,
}: {
  phase: Phase;
  kind: ExportTarget['kind'];
  working: string;
  onReplace: () => void;
  onKeep: () => void;
}) {
  const questionId = useId();
  switch (phase.state) {
    case 'idle':
      return phase.note ? <p className="export-note">{phase.note}</p> : null;
    case 'running':
      return (
        <div className="export-running">
          <span>{working}</span>
          <div className="progress progress-indeterminate" role="progressbar" aria-label={working}>
            <div className="progress-fill" style={{ width: '30%' }} />
          </div>
        </div>
      );
    case 'confirm': {
      const q = replaceQuestion(kind, phase.path);
      return (
        <div className="export-confirm" role="group" aria-labelledby={questionId}>
          <p id={questionId}>
            <strong>Replace?</strong> {q.question}
          </p>
          <div className="form-actions">
            <button type="button" className="btn" data-safe-choice="" onClick={onKeep}>
              {q.no}
            </button>
            <button type="button" className="btn btn-danger" onClick={onReplace}>
              {q.yes}
            </button>
          </div>
        </div>
      );
    }
    case 'failed':
      return (
        <div className="export-error" role="alert">
          <p>
            <strong>{phase.error.title}</strong>
          </p>
          <p>{phase.error.message}</p>
          {phase.error.hint && <p className="export-hint">{phase.error.hint}</p>}
        </div>
      );
    case 'done':
      return (
        <div className="export-result" role="status">
          <p>
            <strong>Saved to</strong> <span className="export-path">{phase.outcome.path}</span>
          </p>
          {phase.outcome.facts.length > 0 && (
            <p className="export-facts">{phase.outcome.facts.join(' · ')}</p>
          )}
          {phase.outcome.warnings.length > 0 && (
            <div className="export-warnings">
              <p>
                <strong>
                  {phase.outcome.warnings.length === 1
                    ? 'One warning'
                    : `${phase.outcome.warnings.length} warnings`}
                </strong>
              </p>
              <ul>
                {phase.outcome.warnings.map((w, i) => (
                  <li key={i}>{w}</li>
                ))}
              </ul>
            </div>
          )}
        </div>
      );
  }
}
