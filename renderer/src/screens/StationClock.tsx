import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type {
  ApiInput,
  CaptureTimeChangeDto,
  CaptureTimeEditDto,
  CaptureTimePlanDto,
  StationDto,
} from '../../../electron/core/api';
import { useMutation, useQuery } from '../api/query';
import { InlineError } from '../components/common';
import { plural } from '../lib/format';

/**
 * "Fix clock" on the Stations page: shift the capture times of a station's frames (a camera set to the wrong
 * year, zone or summer time), or give its frames without a time one. The core works out a preview as the user
 * types; Apply records one edit, and the note after it offers Undo.
 */

/** A capture time as written, seconds and zone included: a clock fix is about exactly these digits. */
export function clockTime(t: string | null): string {
  return t === null ? 'no time' : t.replace('T', ' ');
}

/** What the form holds; empty fields are left out of the request. */
interface ClockForm {
  mode: 'shift' | 'set';
  by: string;
  from: string;
  to: string;
  start: string;
  step: string;
}

/** <input type="datetime-local" step="1"> drops ":00" seconds; the core wants them. */
function withSeconds(value: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? `${value}:00` : value;
}

function changeOf(form: ClockForm): CaptureTimeChangeDto | null {
  if (form.mode === 'shift') {
    const by = form.by.trim();
    if (by === '') return null;
    return {
      kind: 'shift',
      by,
      ...(form.from.trim() && { from: form.from.trim() }),
      ...(form.to.trim() && { to: form.to.trim() }),
    };
  }
  if (form.start === '') return null;
  const step = Number(form.step || '0');
  return {
    kind: 'set',
    start: withSeconds(form.start),
    ...(Number.isInteger(step) && step > 0 && { stepSeconds: step }),
  };
}

const NO_REQUEST: ApiInput<'stations.previewTime'> = {
  scope: { station: '' },
  change: { kind: 'shift', by: '' },
};

export function ClockForm({
  station,
  onCancel,
  onApplied,
}: {
  station: StationDto;
  onCancel: () => void;
  onApplied: (edit: CaptureTimeEditDto) => void;
}) {
  const [form, setForm] = useState<ClockForm>({
    mode: station.photos > station.undatedPhotos ? 'shift' : 'set',
    by: '',
    from: '',
    to: '',
    start: '',
    step: '',
  });
  const apply = useMutation('stations.editTime');
  const change = changeOf(form);
  const request: ApiInput<'stations.previewTime'> | null = change
    ? { scope: { station: station.name }, change }
    : null;
  // Off until the form says what to change; the placeholder arguments are never sent.
  const preview = useQuery('stations.previewTime', request ?? NO_REQUEST, { enabled: request !== null });
  const first = useRef<HTMLInputElement>(null);
  const id = useId();
  useEffect(() => first.current?.focus(), [form.mode]);

  const set = (patch: Partial<ClockForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    apply.reset();
  };
  const plan = request !== null && !preview.error ? preview.data : undefined;
  const ready = plan !== undefined && plan.frames > 0 && !preview.loading;

  const submit = async () => {
    if (!request || !ready) return;
    const edit = await apply.run(request);
    if (edit) onApplied(edit);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.key === 'Escape' && !apply.pending) {
      e.preventDefault();
      onCancel();
    }
  };

  return (
    <form
      className="station-form clock-form"
      aria-labelledby={`${id}-title`}
      noValidate
      onKeyDown={onKeyDown}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2 id={`${id}-title`} className="station-form-title">
        Fix the clock of station {station.name}
      </h2>
      <p className="help clock-counts">
        {plural(station.photos, 'photo')}
        {station.undatedPhotos > 0 && `, ${station.undatedPhotos.toLocaleString()} without a capture time`}
        {station.firstPhotoAt &&
          ` · first ${clockTime(station.firstPhotoAt)}, last ${clockTime(station.lastPhotoAt)}`}
      </p>
      <fieldset className="clock-modes">
        <legend className="visually-hidden">What to change</legend>
        <label>
          <input
            type="radio"
            name={`${id}-mode`}
            checked={form.mode === 'shift'}
            onChange={() => set({ mode: 'shift' })}
          />{' '}
          Shift the times (the camera’s clock was wrong)
        </label>
        <label>
          <input
            type="radio"
            name={`${id}-mode`}
            checked={form.mode === 'set'}
            onChange={() => set({ mode: 'set' })}
          />{' '}
          Give frames without a time one
        </label>
      </fieldset>
      {form.mode === 'shift' ? (
        <div className="station-form-grid">
          <div className="station-field">
            <label htmlFor={`${id}-by`}>Shift by</label>
            <input
              id={`${id}-by`}
              ref={first}
              className="input station-input"
              autoComplete="off"
              spellCheck={false}
              aria-describedby={`${id}-by-help`}
              value={form.by}
              onChange={(e) => set({ by: e.target.value })}
            />
            <p className="help" id={`${id}-by-help`}>
              Forward with +, back with -: +1y, -01:00:00, +1y 2d 03:00:00 (y d h m s).
            </p>
          </div>
          <div className="station-field">
            <label htmlFor={`${id}-from`}>Only frames from</label>
            <input
              id={`${id}-from`}
              className="input station-input"
              autoComplete="off"
              spellCheck={false}
              placeholder="YYYY-MM-DD"
              aria-describedby={`${id}-range-help`}
              value={form.from}
              onChange={(e) => set({ from: e.target.value })}
            />
          </div>
          <div className="station-field">
            <label htmlFor={`${id}-to`}>Only frames to</label>
            <input
              id={`${id}-to`}
              className="input station-input"
              autoComplete="off"
              spellCheck={false}
              placeholder="YYYY-MM-DD"
              aria-describedby={`${id}-range-help`}
              value={form.to}
              onChange={(e) => set({ to: e.target.value })}
            />
            <p className="help" id={`${id}-range-help`}>
              Optional, as recorded now: a date, or a date and time (2024-03-01T06:00:00).
            </p>
          </div>
        </div>
      ) : (
        <div className="station-form-grid">
          <div className="station-field">
            <label htmlFor={`${id}-start`}>Time of the first frame</label>
            <input
              id={`${id}-start`}
              ref={first}
              type="datetime-local"
              step={1}
              className="input station-input"
              aria-describedby={`${id}-start-help`}
              value={form.start}
              onChange={(e) => set({ start: e.target.value })}
            />
            <p className="help" id={`${id}-start-help`}>
              The camera’s local time. Frames get it in file-name order.
            </p>
          </div>
          <div className="station-field">
            <label htmlFor={`${id}-step`}>Seconds between frames</label>
            <input
              id={`${id}-step`}
              type="number"
              min={0}
              max={86400}
              className="input station-input"
              aria-describedby={`${id}-step-help`}
              value={form.step}
              onChange={(e) => set({ step: e.target.value })}
            />
            <p className="help" id={`${id}-step-help`}>
              Empty or 0: every frame gets the same time.
            </p>
          </div>
        </div>
      )}
      <ClockPreview
        request={request !== null}
        plan={plan}
        loading={preview.loading}
        error={request ? preview.error : null}
      />
      {apply.error && <InlineError error={{ message: `Not changed: ${apply.error.message}` }} />}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={!ready || apply.pending}>
          {apply.pending
            ? 'Applying…'
            : plan && plan.frames > 0
              ? `Apply to ${plural(plan.frames, 'frame')}`
              : 'Apply'}
        </button>
        <button type="button" className="btn" onClick={onCancel} disabled={apply.pending}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ClockPreview({
  request,
  plan,
  loading,
  error,
}: {
  request: boolean;
  plan: CaptureTimePlanDto | undefined;
  loading: boolean;
  error: { message: string } | null;
}) {
  if (!request) return null;
  if (error) return <InlineError error={error} />;
  if (!plan) return loading ? <p className="help clock-preview">Working out the new times…</p> : null;
  const { withoutTime, outsideRange, withTime } = plan.unchanged;
  const left = [
    withoutTime > 0 && `${plural(withoutTime, 'frame')} without a time (give them one instead)`,
    outsideRange > 0 && `${plural(outsideRange, 'frame')} outside the range`,
    withTime > 0 && `${plural(withTime, 'frame')} that already ${withTime === 1 ? 'has' : 'have'} a time`,
  ].filter(Boolean);
  return (
    <div className="clock-preview" role="status" aria-live="polite">
      <p className="clock-preview-title">
        <strong>
          {plan.frames > 0 ? `${plural(plan.frames, 'frame')} will change.` : 'No frame would change.'}
        </strong>
        {left.length > 0 && ` Left as they are: ${left.join(', ')}.`}
      </p>
      {plan.frames > 0 && <TimesTable plan={plan} />}
      {plan.outsideOperation > 0 && (
        <p className="clock-outside">
          {plural(plan.outsideOperation, 'frame')} would fall outside the station’s operation dates, and
          capture histories would leave {plan.outsideOperation === 1 ? 'it' : 'them'} out: widen the dates
          with Edit afterwards.
        </p>
      )}
    </div>
  );
}

/** First and last time of the changed frames, before and after. */
function TimesTable({ plan }: { plan: CaptureTimePlanDto }) {
  return (
    <table className="clock-times">
      <thead>
        <tr>
          <th scope="col">
            <span className="visually-hidden">Frame</span>
          </th>
          <th scope="col">Now</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <th scope="row">First</th>
          <td>{clockTime(plan.before.first)}</td>
          <td>{clockTime(plan.after.first)}</td>
        </tr>
        <tr>
          <th scope="row">Last</th>
          <td>{clockTime(plan.before.last)}</td>
          <td>{clockTime(plan.after.last)}</td>
        </tr>
      </tbody>
    </table>
  );
}

/** After Apply: what changed, and Undo; after Undo: that it was undone. */
export function ClockNote({
  edit,
  onUndone,
  onDismiss,
}: {
  edit: CaptureTimeEditDto;
  onUndone: (edit: CaptureTimeEditDto) => void;
  onDismiss: () => void;
}) {
  const undo = useMutation('stations.undoTime');
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => box.current?.focus(), [edit.undoneAt]);
  const undone = edit.undoneAt !== null;
  return (
    <div ref={box} tabIndex={-1} className="station-note clock-note" role="status">
      <div>
        {undone ? (
          <p>
            <strong>Undone.</strong> {plural(edit.frames, 'frame')} have their previous time again (first{' '}
            {clockTime(edit.before.first)}, last {clockTime(edit.before.last)}).
          </p>
        ) : (
          <p>
            <strong>{edit.summary}.</strong> First frame now {clockTime(edit.after.first)}, last{' '}
            {clockTime(edit.after.last)}.
          </p>
        )}
        {undo.error && <InlineError error={{ message: `Not undone: ${undo.error.message}` }} />}
      </div>
      <div className="clock-note-actions">
        {!undone && (
          <button
            type="button"
            className="btn btn-small"
            disabled={undo.pending}
            onClick={async () => {
              const result = await undo.run({ editId: edit.editId });
              if (result) onUndone(result);
            }}
          >
            {undo.pending ? 'Undoing…' : 'Undo'}
          </button>
        )}
        <button type="button" className="btn btn-small" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
    </div>
  );
}
