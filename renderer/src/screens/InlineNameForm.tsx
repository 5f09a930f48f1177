import { useEffect, useRef } from 'react';

/**
 * A small form under Review's decision buttons that asks for one optional name (a new individual's, a species):
 * Enter confirms, Esc cancels, and `suggestions` (names used before) show as the field's choices.
 */
export function InlineNameForm(props: {
  id: string;
  label: string;
  help: string;
  submitLabel: string;
  value: string;
  onChange: (s: string) => void;
  busy: boolean;
  onCancel: () => void;
  onSubmit: () => void;
  suggestions?: string[];
}) {
  // The form opens below the decision buttons, often under the fold: bring all of it (the submit button too) into view.
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    // Recent Chromium returns a promise from scrollIntoView: an effect must not return it.
    formRef.current?.scrollIntoView({ block: 'nearest' });
  }, []);
  const listId = `${props.id}-suggestions`;
  return (
    <form
      ref={formRef}
      className="new-form"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          props.onCancel();
        }
      }}
    >
      <label htmlFor={props.id}>
        {props.label} <span className="optional">(optional)</span>
      </label>
      <input
        id={props.id}
        className="input"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        autoFocus
        autoComplete="off"
        maxLength={200}
        {...(props.suggestions && props.suggestions.length > 0 ? { list: listId } : {})}
      />
      {props.suggestions && props.suggestions.length > 0 && (
        <datalist id={listId}>
          {props.suggestions.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      )}
      {props.suggestions && props.suggestions.length > 0 && (
        <p className="name-suggestions">
          <span className="muted">Used before:</span>
          {props.suggestions.slice(0, 8).map((s) => (
            <button key={s} type="button" className="btn btn-small" onClick={() => props.onChange(s)}>
              {s}
            </button>
          ))}
        </p>
      )}
      <p className="help">{props.help}</p>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={props.busy}>
          {props.submitLabel}
        </button>
        <button type="button" className="btn" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
