import { useId, type RefObject } from 'react';
import { nativeFolderPicker } from '../../api/client';
import { useQuery } from '../../api/query';
import { FolderInput, InlineError } from '../../components/common';
import {
  EXPORT_KINDS,
  joinPath,
  optionFieldsOf,
  withExtension,
  type ExportKind,
  type ExportOptions,
} from '../../lib/exports';
import { plural } from '../../lib/format';

type SetOptions = (patch: Partial<ExportOptions>) => void;

/** The export's own options: a date range and station, the Camtrap DP time zone, the secr occasions. */
export function OptionFields({
  kind,
  options,
  onChange,
  invalid,
  offsetRef,
}: {
  kind: ExportKind;
  options: ExportOptions;
  onChange: SetOptions;
  /** The field an error points at. */
  invalid: 'utcOffset' | null;
  offsetRef: RefObject<HTMLInputElement | null>;
}) {
  const fields = optionFieldsOf(kind);
  return (
    <>
      {kind === 'secr' && <SecrFields options={options} onChange={onChange} />}
      {fields.range && (
        <RangeFields
          options={options}
          onChange={onChange}
          labels={kind === 'secr' ? ['Session starts', 'Session ends'] : ['From', 'To']}
          help={
            kind === 'secr'
              ? 'Optional. Without dates the session spans the stations’ operation dates.'
              : 'Optional. Leave the dates empty for every confirmed sighting.'
          }
        />
      )}
      {fields.station && <StationField options={options} onChange={onChange} />}
      {kind === 'camtrap-dp' && (
        <OffsetField
          options={options}
          onChange={onChange}
          invalid={invalid === 'utcOffset'}
          inputRef={offsetRef}
        />
      )}
    </>
  );
}

function RangeFields({
  options,
  onChange,
  labels,
  help,
}: {
  options: ExportOptions;
  onChange: SetOptions;
  labels: [string, string];
  help: string;
}) {
  const fromId = useId();
  const toId = useId();
  const helpId = useId();
  return (
    <div className="field">
      <div className="export-pair">
        <div>
          <label htmlFor={fromId}>{labels[0]}</label>
          <input
            id={fromId}
            type="date"
            className="input"
            value={options.from}
            max={options.to || undefined}
            onChange={(e) => onChange({ from: e.target.value })}
            aria-describedby={helpId}
          />
        </div>
        <div>
          <label htmlFor={toId}>{labels[1]}</label>
          <input
            id={toId}
            type="date"
            className="input"
            value={options.to}
            min={options.from || undefined}
            onChange={(e) => onChange({ to: e.target.value })}
            aria-describedby={helpId}
          />
        </div>
      </div>
      <p className="help" id={helpId}>
        {help}
      </p>
    </div>
  );
}

function StationField({ options, onChange }: { options: ExportOptions; onChange: SetOptions }) {
  const stations = useQuery('stations.list', {});
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Station</label>
      <select
        id={id}
        className="input"
        value={options.stationId ?? ''}
        onChange={(e) => onChange({ stationId: e.target.value ? Number(e.target.value) : null })}
      >
        <option value="">All stations</option>
        {(stations.data ?? []).map((s) => (
          <option key={s.stationId} value={s.stationId}>
            {s.name} ({plural(s.photos, 'photo')})
          </option>
        ))}
      </select>
      <InlineError error={stations.error} />
    </div>
  );
}

function OffsetField({
  options,
  onChange,
  invalid,
  inputRef,
}: {
  options: ExportOptions;
  onChange: SetOptions;
  invalid: boolean;
  inputRef: RefObject<HTMLInputElement | null>;
}) {
  const id = useId();
  const helpId = useId();
  return (
    <div className="field">
      <label htmlFor={id}>
        UTC offset of the camera clocks <span className="optional">(when photo times have no zone)</span>
      </label>
      <input
        ref={inputRef}
        id={id}
        className="input export-offset"
        value={options.utcOffset}
        placeholder="+05:30"
        onChange={(e) => onChange({ utcOffset: e.target.value })}
        aria-invalid={invalid || undefined}
        aria-describedby={helpId}
        autoComplete="off"
        spellCheck={false}
      />
      <p className="help" id={helpId}>
        Camtrap DP stores times with their zone. Cameras keep local time without one: give the offset they
        were set to, such as +05:30 for India or +07:00 for Thailand.
      </p>
    </div>
  );
}

function SecrFields({ options, onChange }: { options: ExportOptions; onChange: SetOptions }) {
  const daysId = useId();
  const flankId = useId();
  const flankHelpId = useId();
  return (
    <>
      <div className="field">
        <label htmlFor={daysId}>Occasion length (days)</label>
        <input
          id={daysId}
          type="number"
          className="input export-days"
          min={1}
          max={366}
          step={1}
          required
          value={options.occasionDays}
          onChange={(e) => onChange({ occasionDays: e.target.value })}
        />
      </div>
      <div className="field">
        <div className="export-check">
          <input
            id={flankId}
            type="checkbox"
            checked={options.flankAware}
            onChange={(e) => onChange({ flankAware: e.target.checked })}
            aria-describedby={flankHelpId}
          />
          <label htmlFor={flankId}>Flank-aware: also write captures typed by flank</label>
        </div>
        <p className="help" id={flankHelpId}>
          Adds flank-captures.csv and flank-individuals.csv (left, right or both flanks per capture) for
          two-flank partial-identity models such as the R package SPIM.
        </p>
      </div>
    </>
  );
}

/** Where it goes: the folder (typed, or chosen with the native picker in Electron) and the file or folder name. */
export function OutputFields({
  kind,
  folder,
  name,
  onFolder,
  onName,
  invalid,
  nameRef,
  folderRef,
}: {
  kind: ExportKind;
  folder: string;
  name: string;
  onFolder: (folder: string) => void;
  onName: (name: string) => void;
  invalid: 'folder' | 'name' | null;
  nameRef: RefObject<HTMLInputElement | null>;
  folderRef: RefObject<HTMLInputElement | null>;
}) {
  const info = EXPORT_KINDS[kind];
  const pick = nativeFolderPicker();
  const folderId = useId();
  const folderHelpId = useId();
  const nameId = useId();
  const whereId = useId();
  const fileName = withExtension(name, info.extension);
  return (
    <div className="export-output">
      <div className="field">
        <label htmlFor={folderId}>Save in folder</label>
        <FolderInput
          id={folderId}
          inputRef={folderRef}
          value={folder}
          onChange={onFolder}
          describedBy={folderHelpId}
          invalid={invalid === 'folder'}
          rowClassName="export-folder-row"
        />
        <p className="help" id={folderHelpId}>
          {pick ? '' : 'The full path of a folder on the computer running Tiger ID. '}
          {info.output === 'file' ? 'It must exist.' : 'A new folder for the files is made inside it.'}
        </p>
      </div>
      <div className="field">
        <label htmlFor={nameId}>{info.output === 'file' ? 'File name' : 'New folder name'}</label>
        <input
          ref={nameRef}
          id={nameId}
          type="text"
          className="input"
          value={name}
          onChange={(e) => onName(e.target.value)}
          aria-invalid={invalid === 'name' || undefined}
          aria-describedby={whereId}
          spellCheck={false}
          autoComplete="off"
          required
        />
        <p className="help export-where" id={whereId}>
          {folder.trim() && fileName
            ? `${info.output === 'file' ? 'Saved as' : 'Files go into'} ${joinPath(folder, fileName)}${info.output === 'folder' ? ' (it must be new or empty)' : ''}`
            : `Give a ${info.output === 'file' ? 'file' : 'folder'} name.`}
        </p>
      </div>
    </div>
  );
}
