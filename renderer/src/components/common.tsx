import { useState, type ReactNode, type Ref } from 'react';
import { imagePaths } from '../../../electron/core/api';
import { nativeFolderPicker, type ApiError } from '../api/client';

/** A failed load: the API's message and a way to try again. */
export function ErrorBanner({
  error,
  onRetry,
  title,
}: {
  error: ApiError | null;
  onRetry?: () => void;
  title?: string;
}) {
  if (!error) return null;
  return (
    <div className="banner banner-error" role="alert">
      <div>
        <strong>{title ?? 'Could not load this view.'}</strong> {error.message}
      </div>
      {onRetry && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** An error next to the control that caused it. */
export function InlineError({ error }: { error: { message: string } | null | undefined }) {
  if (!error) return null;
  return (
    <p className="inline-error" role="alert">
      {error.message}
    </p>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      {label}
    </p>
  );
}

/**
 * A detection crop with a calm placeholder while it loads or if it is missing. The <img> is keyed on the detection,
 * so a new detection never shows the previous one's pixels while its own load; `onSettled` says when this
 * detection's crop is on screen (or known to be missing).
 */
export function Crop({
  detectionId,
  alt,
  className,
  onSettled,
  version,
}: {
  detectionId: number | null | undefined;
  alt: string;
  className?: string;
  onSettled?: (detectionId: number) => void;
  /**
   * What the crop shows (its box), where it can change under the same id: a box moved by hand, or an id SQLite
   * reused after a delete. A new version is a new URL, so the browser's cached crop is not shown (both doors ignore
   * the query string).
   */
  version?: string;
}) {
  const [failedId, setFailedId] = useState<number | null>(null);
  // Another detection, another try: showing this one again later retries it (and settles again).
  if (failedId !== null && failedId !== detectionId) setFailedId(null);
  if (detectionId === null || detectionId === undefined || failedId === detectionId) {
    return (
      <div className={`img-missing ${className ?? ''}`} role="img" aria-label={alt}>
        <span>No image</span>
      </div>
    );
  }
  return (
    <img
      key={`${detectionId} ${version ?? ''}`}
      className={className}
      src={
        version
          ? `${imagePaths.crop(detectionId)}?v=${encodeURIComponent(version)}`
          : imagePaths.crop(detectionId)
      }
      alt={alt}
      // A photo someone waits on loads at once wherever it is on the page.
      loading={onSettled ? 'eager' : 'lazy'}
      draggable={false}
      onLoad={() => onSettled?.(detectionId)}
      onError={() => {
        setFailedId(detectionId);
        onSettled?.(detectionId);
      }}
    />
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <h2>{title}</h2>
      {children}
    </div>
  );
}

export function Kbd({ children }: { children: ReactNode }) {
  return <kbd className="kbd">{children}</kbd>;
}

export function PageHeader({ title, children }: { title: ReactNode; children?: ReactNode }) {
  return (
    <header className="page-header">
      <h1>{title}</h1>
      {children && <div className="page-header-extra">{children}</div>}
    </header>
  );
}

/** The labelled "find by code or name" box of the gallery and the merge picker. */
export function SearchField({
  id,
  value,
  onChange,
}: {
  id: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <>
      <label htmlFor={id}>Find by code or name</label>
      <input
        id={id}
        type="search"
        className="input input-search"
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </>
  );
}

/**
 * A folder path box with "Choose folder…" beside it in the desktop app (its native picker); in the browser the
 * path is typed. The Import screen and the export dialog both use it.
 */
export function FolderInput({
  id,
  value,
  onChange,
  describedBy,
  invalid = false,
  inputRef,
  className = 'input',
  rowClassName = 'field-row',
}: {
  id: string;
  value: string;
  onChange: (folder: string) => void;
  describedBy?: string;
  invalid?: boolean;
  inputRef?: Ref<HTMLInputElement>;
  className?: string;
  rowClassName?: string;
}) {
  const pick = nativeFolderPicker();
  return (
    <div className={rowClassName}>
      <input
        ref={inputRef}
        id={id}
        type="text"
        className={className}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        spellCheck={false}
        autoComplete="off"
      />
      {pick && (
        <button
          type="button"
          className="btn"
          onClick={async () => {
            const chosen = await pick();
            if (chosen) onChange(chosen);
          }}
        >
          Choose folder…
        </button>
      )}
    </div>
  );
}

/** The end of a settings form: its submit button, then the form's own problem and the API's error. */
export function FormFooter({
  pending,
  label,
  problem,
  error,
}: {
  pending: boolean;
  label: string;
  problem: string | null;
  error: { message: string } | null | undefined;
}) {
  return (
    <>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={pending}>
          {pending ? 'Saving…' : label}
        </button>
      </div>
      {problem && (
        <p className="inline-error" role="alert">
          {problem}
        </p>
      )}
      <InlineError error={error} />
    </>
  );
}
