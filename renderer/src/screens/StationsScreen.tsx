import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { CaptureTimeEditDto, StationDto } from '../../../electron/core/api';
import { useMutation, useQuery } from '../api/query';
import { EmptyState, ErrorBanner, InlineError, Loading, PageHeader } from '../components/common';
import { formatCaptureTime, formatDate, plural } from '../lib/format';
import {
  COORDINATE_EXAMPLE,
  dayOf,
  fieldOfApiMessage,
  formatCoordinate,
  formatOperated,
  formOf,
  needsCoordinates,
  operationDay,
  patchOf,
  type FieldMessages,
  type StationField,
  type StationForm,
} from '../lib/stations';
import { href } from '../router';
import { ClockForm, ClockNote } from './StationClock';
import './stations.css';

const COLUMNS = 9;

/** After a save: which station, and how many of its photos the new dates leave out of capture histories. */
interface SavedNote {
  station: StationDto;
  photosOutsideOperation: number;
}

export function StationsScreen() {
  const list = useQuery('stations.list', {});
  const [editing, setEditing] = useState<number | null>(null);
  const [saved, setSaved] = useState<SavedNote | null>(null);
  // "Fix clock": the station whose form is open, and the last clock edit (with its Undo) under its row.
  const [clock, setClock] = useState<number | null>(null);
  const [clockEdit, setClockEdit] = useState<{ stationId: number; edit: CaptureTimeEditDto } | null>(null);
  // Each row's Edit button, where focus goes back when its form or note closes.
  const editButtons = useRef(new Map<number, HTMLButtonElement>());

  const stations = list.data ?? [];
  const missing = stations.filter(needsCoordinates).length;

  const backToRow = (stationId: number) => editButtons.current.get(stationId)?.focus();

  return (
    <div className="page stations">
      <PageHeader title="Stations">
        {stations.length > 0 && (
          <span className="muted">
            {plural(stations.length, 'station')}
            {missing > 0 && ` · ${missing} need${missing === 1 ? 's' : ''} coordinates`}
          </span>
        )}
      </PageHeader>
      <ErrorBanner
        error={list.error}
        onRetry={() => void list.refetch()}
        title="Could not load the stations."
      />
      {!list.data && !list.error && <Loading />}
      {list.data && stations.length === 0 && (
        <EmptyState title="No stations yet">
          <p>Stations are created when you import photos with a station name.</p>
          <p>
            <a className="btn btn-primary" href={href({ screen: 'import' })}>
              Import photos
            </a>
          </p>
        </EmptyState>
      )}
      {stations.length > 0 && (
        <>
          <p className="stations-intro">
            The Camtrap DP and secr exports need where each camera stood (latitude and longitude in WGS84
            decimal degrees) and the days it operated. Where no dates are recorded, the station’s first and
            last photo stand in.
          </p>
          <div className="card stations-card">
            <table className="table stations-table">
              <thead>
                <tr>
                  <th scope="col">Station</th>
                  <th scope="col" className="num">
                    Photos
                  </th>
                  <th scope="col">First photo</th>
                  <th scope="col">Last photo</th>
                  <th scope="col" className="num">
                    Latitude
                  </th>
                  <th scope="col" className="num">
                    Longitude
                  </th>
                  <th scope="col">Operation start</th>
                  <th scope="col">Operation end</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {stations.map((s) => (
                  <StationRows
                    key={s.stationId}
                    station={s}
                    editing={editing === s.stationId}
                    note={saved?.station.stationId === s.stationId ? saved : null}
                    editButtonRef={(el) => {
                      if (el) editButtons.current.set(s.stationId, el);
                      else editButtons.current.delete(s.stationId);
                    }}
                    onEdit={() => {
                      setSaved(null);
                      setClock(null);
                      setEditing(s.stationId);
                    }}
                    onCancel={() => {
                      setEditing(null);
                      backToRow(s.stationId);
                    }}
                    onSaved={(note) => {
                      // The note takes focus, so the outcome (and any warning) is read out.
                      setEditing(null);
                      setSaved(note);
                    }}
                    onDismissNote={() => {
                      backToRow(s.stationId);
                      setSaved(null);
                    }}
                    clock={{
                      open: clock === s.stationId,
                      edit: clockEdit?.stationId === s.stationId ? clockEdit.edit : null,
                      onOpen: () => {
                        setEditing(null);
                        setClockEdit(null);
                        setClock(clock === s.stationId ? null : s.stationId);
                      },
                      onCancel: () => setClock(null),
                      onEdit: (edit) => {
                        setClock(null);
                        setClockEdit({ stationId: s.stationId, edit });
                      },
                      onDismiss: () => {
                        setClockEdit(null);
                        backToRow(s.stationId);
                      },
                    }}
                  />
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}

/** A capture time as two short lines, day over time, so the table fits beside the sidebar. */
function CaptureCell({ at }: { at: string | null }) {
  if (!at) return <td className="muted">—</td>;
  const [day, time] = formatCaptureTime(at).split(', ');
  return (
    <td>
      <span className="cell-line">{day}</span>
      {time && <span className="cell-sub">{time}</span>}
    </td>
  );
}

/** A recorded date as it is; a missing one as the photo's day standing in, muted and saying so. */
function OperationCell({ station, which }: { station: StationDto; which: 'start' | 'end' }) {
  const d = operationDay(station, which);
  if (d.source === 'recorded') return <td>{d.text}</td>;
  return (
    <td className="muted">
      <span className="cell-line">{d.day ? formatDate(d.day) : 'Not recorded'}</span>
      {d.day && <span className="cell-sub">{which === 'start' ? 'first photo' : 'last photo'}</span>}
    </td>
  );
}

/** The clock fix of one row: its form, and the note of the last edit with Undo. */
interface RowClock {
  open: boolean;
  edit: CaptureTimeEditDto | null;
  onOpen: () => void;
  onCancel: () => void;
  onEdit: (edit: CaptureTimeEditDto) => void;
  onDismiss: () => void;
}

function StationRows({
  station: s,
  editing,
  note,
  editButtonRef,
  onEdit,
  onCancel,
  onSaved,
  onDismissNote,
  clock,
}: {
  station: StationDto;
  editing: boolean;
  note: SavedNote | null;
  editButtonRef: (el: HTMLButtonElement | null) => void;
  onEdit: () => void;
  onCancel: () => void;
  onSaved: (note: SavedNote) => void;
  onDismissNote: () => void;
  clock: RowClock;
}) {
  return (
    <>
      <tr className={editing ? 'station-row station-row-editing' : 'station-row'}>
        <th scope="row" className="station-name">
          <span>{s.name}</span>
          {needsCoordinates(s) && (
            <>
              {' '}
              <span className="station-badge">Needs coordinates</span>
            </>
          )}
        </th>
        <td className="num">
          <span className="cell-line">{s.photos.toLocaleString()}</span>
          {s.undatedPhotos > 0 && (
            <span
              className="cell-sub station-undated"
              title="Without a capture time, the exports leave these photos out: Fix clock gives them one."
            >
              {s.undatedPhotos.toLocaleString()} undated
            </span>
          )}
        </td>
        <CaptureCell at={s.firstPhotoAt} />
        <CaptureCell at={s.lastPhotoAt} />
        <td className="num">{formatCoordinate(s.latitude, 'latitude')}</td>
        <td className="num">{formatCoordinate(s.longitude, 'longitude')}</td>
        <OperationCell station={s} which="start" />
        <OperationCell station={s} which="end" />
        <td className="station-actions">
          <div className="station-action-stack">
            <button
              type="button"
              ref={editButtonRef}
              className="btn btn-small"
              aria-label={`Edit station ${s.name}`}
              aria-expanded={editing}
              onClick={editing ? onCancel : onEdit}
            >
              Edit
            </button>
            <button
              type="button"
              className="btn btn-small"
              aria-label={`Fix clock of station ${s.name}`}
              aria-expanded={clock.open}
              disabled={s.photos === 0}
              onClick={clock.open ? clock.onCancel : clock.onOpen}
            >
              Fix clock
            </button>
          </div>
        </td>
      </tr>
      {clock.open && (
        <tr className="station-edit-row">
          <td colSpan={COLUMNS}>
            <ClockForm station={s} onCancel={clock.onCancel} onApplied={clock.onEdit} />
          </td>
        </tr>
      )}
      {clock.edit && (
        <tr className="station-note-row">
          <td colSpan={COLUMNS}>
            <ClockNote edit={clock.edit} onUndone={clock.onEdit} onDismiss={clock.onDismiss} />
          </td>
        </tr>
      )}
      {editing && (
        <tr className="station-edit-row">
          <td colSpan={COLUMNS}>
            <StationEditForm station={s} onCancel={onCancel} onSaved={onSaved} />
          </td>
        </tr>
      )}
      {note && (
        <tr className="station-note-row">
          <td colSpan={COLUMNS}>
            <SavedMessage note={note} onDismiss={onDismissNote} />
          </td>
        </tr>
      )}
    </>
  );
}

function SavedMessage({ note, onDismiss }: { note: SavedNote; onDismiss: () => void }) {
  const { station, photosOutsideOperation: outside } = note;
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => box.current?.focus(), []);
  return (
    <div
      ref={box}
      tabIndex={-1}
      className={outside > 0 ? 'station-note station-note-warn' : 'station-note'}
      role="status"
    >
      <div>
        <strong>Saved {station.name}.</strong> Operated {formatOperated(station)}.
        {outside > 0 && (
          <p className="station-note-outside">
            {plural(outside, 'photo')} of this station {outside === 1 ? 'was' : 'were'} taken outside these
            dates: capture histories leave {outside === 1 ? 'it' : 'them'} out. If{' '}
            {outside === 1 ? 'it belongs' : 'they belong'} to the survey, widen the dates.
          </p>
        )}
      </div>
      <button type="button" className="btn btn-small" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}

function StationEditForm({
  station,
  onCancel,
  onSaved,
}: {
  station: StationDto;
  onCancel: () => void;
  onSaved: (note: SavedNote) => void;
}) {
  const [form, setForm] = useState<StationForm>(() => formOf(station));
  const [unfinished, setUnfinished] = useState<StationField[]>([]);
  const [fieldMessages, setFieldMessages] = useState<FieldMessages>({});
  const update = useMutation('stations.update');
  const firstInput = useRef<HTMLInputElement>(null);
  const id = useId();
  const titleId = `${id}-title`;
  const apiErrorId = `${id}-api-error`;

  useEffect(() => firstInput.current?.focus(), []);

  const apiField = update.error ? fieldOfApiMessage(update.error.message) : null;

  const change = (field: StationField, value: string, badInput = false) => {
    setForm((f) => ({ ...f, [field]: value }));
    setUnfinished((u) =>
      badInput ? [...u.filter((x) => x !== field), field] : u.filter((x) => x !== field),
    );
    setFieldMessages((m) => ({ ...m, [field]: undefined }));
    update.reset();
  };

  const save = async () => {
    const result = patchOf(form, unfinished);
    if (!result.ok) {
      setFieldMessages(result.fields);
      return;
    }
    setFieldMessages({});
    const saved = await update.run({ name: station.name, ...result.patch });
    if (saved) onSaved({ station: saved.station, photosOutsideOperation: saved.photosOutsideOperation });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.key === 'Escape' && !update.pending) {
      e.preventDefault();
      onCancel();
    }
  };

  const idOf = (field: StationField) => `${id}-${field}`;
  const inputProps = (field: StationField) => {
    const ownId = idOf(field);
    const invalid = fieldMessages[field] !== undefined || apiField === field;
    const describedBy = [
      `${ownId}-help`,
      fieldMessages[field] !== undefined ? `${ownId}-error` : '',
      apiField === field ? apiErrorId : '',
    ]
      .filter(Boolean)
      .join(' ');
    return { id: ownId, 'aria-invalid': invalid || undefined, 'aria-describedby': describedBy };
  };

  const firstPhotoDay = dayOf(station.firstPhotoAt);
  const lastPhotoDay = dayOf(station.lastPhotoAt);

  return (
    <form
      className="station-form"
      aria-labelledby={titleId}
      noValidate
      onKeyDown={onKeyDown}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2 id={titleId} className="station-form-title">
        Edit station {station.name}
      </h2>
      <div className="station-form-grid">
        <Field
          id={idOf('latitude')}
          label="Latitude"
          help={`Decimal degrees, WGS84. South of the equator: negative or S, such as ${COORDINATE_EXAMPLE.latitude}.`}
          message={fieldMessages.latitude}
        >
          <input
            {...inputProps('latitude')}
            ref={firstInput}
            type="text"
            inputMode="decimal"
            autoComplete="off"
            spellCheck={false}
            className="input station-input"
            value={form.latitude}
            onChange={(e) => change('latitude', e.target.value)}
          />
        </Field>
        <Field
          id={idOf('longitude')}
          label="Longitude"
          help={`Decimal degrees, WGS84. West of Greenwich: negative or W, such as ${COORDINATE_EXAMPLE.longitude}.`}
          message={fieldMessages.longitude}
        >
          <input
            {...inputProps('longitude')}
            type="text"
            inputMode="decimal"
            autoComplete="off"
            spellCheck={false}
            className="input station-input"
            value={form.longitude}
            onChange={(e) => change('longitude', e.target.value)}
          />
        </Field>
        <Field
          id={idOf('operationStart')}
          label="Operation start"
          help={`First day the camera ran. Empty: the first photo’s day${firstPhotoDay ? ` (${formatDate(firstPhotoDay)})` : ''}.`}
          message={fieldMessages.operationStart}
        >
          <input
            {...inputProps('operationStart')}
            type="date"
            className="input station-input"
            value={form.operationStart}
            max={form.operationEnd || undefined}
            onChange={(e) => change('operationStart', e.target.value, e.target.validity.badInput)}
          />
        </Field>
        <Field
          id={idOf('operationEnd')}
          label="Operation end"
          help={`Last day the camera ran. Empty: the last photo’s day${lastPhotoDay ? ` (${formatDate(lastPhotoDay)})` : ''}.`}
          message={fieldMessages.operationEnd}
        >
          <input
            {...inputProps('operationEnd')}
            type="date"
            className="input station-input"
            value={form.operationEnd}
            min={form.operationStart || undefined}
            onChange={(e) => change('operationEnd', e.target.value, e.target.validity.badInput)}
          />
        </Field>
      </div>
      {update.error && (
        <div id={apiErrorId}>
          <InlineError error={{ message: `Not saved: ${update.error.message}` }} />
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={update.pending}>
          {update.pending ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="btn" onClick={onCancel} disabled={update.pending}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** A labelled input with its help line and, when it cannot be sent, the reason under it. */
function Field({
  id,
  label,
  help,
  message,
  children,
}: {
  id: string;
  label: string;
  help: string;
  message: string | undefined;
  children: ReactNode;
}) {
  return (
    <div className="station-field">
      <label htmlFor={id}>{label}</label>
      {children}
      <p className="help" id={`${id}-help`}>
        {help}
      </p>
      {message !== undefined && (
        <p className="inline-error station-field-error" id={`${id}-error`} role="alert">
          {message}
        </p>
      )}
    </div>
  );
}
