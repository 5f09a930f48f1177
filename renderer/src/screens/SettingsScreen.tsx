import { useEffect, useId, useState, type ReactNode } from 'react';
import type { SettingsDto } from '../../../electron/core/api';
import { useMutation, useQuery } from '../api/query';
import { ErrorBanner, FormFooter, InlineError, Loading, PageHeader } from '../components/common';
import { useToast } from '../components/toast';
import { formatInstant } from '../lib/format';
import { RemoteSettingsSection } from './remote/RemoteSettings';
import { ModelTable } from './StatusScreen';

export function SettingsScreen() {
  const settings = useQuery('settings.get', {});
  return (
    <div className="page page-narrow">
      <PageHeader title="Settings" />
      <ErrorBanner
        error={settings.error}
        onRetry={() => void settings.refetch()}
        title="Could not load the settings."
      />
      {!settings.data && !settings.error && <Loading />}
      {settings.data && <ReviewSettings s={settings.data} />}
      <ModelsSection />
      <RemoteSettingsSection />
    </div>
  );
}

function ReviewSettings({ s }: { s: SettingsDto }) {
  const save = useMutation('settings.set');
  const toast = useToast();
  const [reviewer, setReviewer] = useState(s.reviewer);
  const [count, setCount] = useState(String(s.reviewCandidates));
  const [gap, setGap] = useState(String(s.encounterGapSeconds));
  const [threshold, setThreshold] = useState(
    s.newIndividualThreshold === null ? '' : String(s.newIndividualThreshold),
  );
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setReviewer(s.reviewer);
    setCount(String(s.reviewCandidates));
    setGap(String(s.encounterGapSeconds));
    setThreshold(s.newIndividualThreshold === null ? '' : String(s.newIndividualThreshold));
  }, [s]);
  const reviewerId = useId();

  const submit = async () => {
    setProblem(null);
    const n = Number(count);
    if (!Number.isInteger(n) || n < 1 || n > 50)
      return setProblem('Number of candidates: a whole number from 1 to 50.');
    const g = Number(gap);
    if (!Number.isInteger(g) || g < 0 || g > 3600)
      return setProblem('Encounter gap: a whole number of seconds from 0 to 3600.');
    const t = threshold.trim() === '' ? null : Number(threshold);
    if (t !== null && (!Number.isFinite(t) || t < 0 || t > 1))
      return setProblem('Threshold: a number from 0 to 1, or empty.');
    if (!reviewer.trim()) return setProblem('Reviewer name: type the name stored with your decisions.');
    const changed = {
      ...(reviewer.trim() !== s.reviewer ? { reviewer: reviewer.trim() } : {}),
      ...(n !== s.reviewCandidates ? { reviewCandidates: n } : {}),
      ...(g !== s.encounterGapSeconds ? { encounterGapSeconds: g } : {}),
      ...(t !== s.newIndividualThreshold ? { newIndividualThreshold: t } : {}),
    };
    if (Object.keys(changed).length === 0) return toast.show('Nothing changed.');
    if (await save.run(changed)) toast.show('Settings saved.');
  };

  return (
    <form
      className="card form-card"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2>Review</h2>
      <div className="field">
        <label htmlFor={reviewerId}>Reviewer name</label>
        <input
          id={reviewerId}
          className="input"
          value={reviewer}
          onChange={(e) => setReviewer(e.target.value)}
          maxLength={200}
        />
        <p className="help">Stored with every decision you make.</p>
      </div>
      <NumberField label="Candidates shown per photo" min={1} max={50} value={count} onChange={setCount} />
      <NumberField label="Encounter gap (seconds)" min={0} max={3600} value={gap} onChange={setGap}>
        Frames of one station closer in time than this are one encounter: one review item and one decision for
        all of them, and one event in Camtrap DP exports. 0 reviews every frame on its own.
      </NumberField>
      <NumberField
        label="New-individual threshold"
        min={0}
        max={1}
        step={0.01}
        value={threshold}
        onChange={setThreshold}
      >
        When the best candidate scores below this, Review suggests a new individual. Leave empty for no
        suggestion.
        {s.calibratedAt ? ` Last set ${formatInstant(s.calibratedAt)}.` : ' Not calibrated yet.'} To calibrate
        it from your confirmed decisions, run <code>tigerid calibrate</code> on the command line.
      </NumberField>
      <FormFooter pending={save.pending} label="Save settings" problem={problem} error={save.error} />
    </form>
  );
}

/** A labelled number input with its help text, as the settings form lays them out. */
function NumberField(props: {
  label: string;
  min: number;
  max: number;
  step?: number;
  value: string;
  onChange: (value: string) => void;
  children?: ReactNode;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        className="input input-short"
        type="number"
        min={props.min}
        max={props.max}
        {...(props.step !== undefined ? { step: props.step } : {})}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.children !== undefined && <p className="help">{props.children}</p>}
    </div>
  );
}

function ModelsSection() {
  const models = useQuery('models.list', {});
  const importModel = useMutation('models.import');
  const toast = useToast();
  const [file, setFile] = useState('');
  const [as, setAs] = useState('');
  const ids = { file: useId(), as: useId() };
  useEffect(() => {
    if (!as && models.data?.[0]) setAs(models.data[0].id);
  }, [models.data, as]);

  return (
    <section className="card">
      <h2>Models</h2>
      <ErrorBanner
        error={models.error}
        onRetry={() => void models.refetch()}
        title="Could not list the models."
      />
      {models.data && <ModelTable models={models.data} />}
      <form
        className="subform"
        onSubmit={async (e) => {
          e.preventDefault();
          const m = await importModel.run({ file: file.trim(), as });
          if (m) {
            toast.show(`Model ${m.id} imported.`);
            setFile('');
          }
        }}
      >
        <h3>Import a model file</h3>
        <p className="help">
          For an ONNX file you were given on a USB stick or downloaded elsewhere. It is checked before use.
        </p>
        <div className="field">
          <label htmlFor={ids.file}>Path of the .onnx file</label>
          <input
            id={ids.file}
            className="input input-wide"
            value={file}
            onChange={(e) => setFile(e.target.value)}
            spellCheck={false}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.as}>Which model it is</label>
          <select id={ids.as} className="input" value={as} onChange={(e) => setAs(e.target.value)}>
            {(models.data ?? []).map((m) => (
              <option key={m.id} value={m.id}>
                {m.id}
              </option>
            ))}
          </select>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn" disabled={!file.trim() || !as || importModel.pending}>
            {importModel.pending ? 'Importing…' : 'Import model'}
          </button>
        </div>
        <InlineError error={importModel.error} />
      </form>
    </section>
  );
}
