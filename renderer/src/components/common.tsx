import { useEffect, useState, type ReactNode } from 'react';
import { imagePaths } from '../../../electron/core/api';
import type { ApiError } from '../api/client';

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

/** A detection crop with a calm placeholder while it loads or if it is missing. */
export function Crop({
  detectionId,
  alt,
  className,
}: {
  detectionId: number | null | undefined;
  alt: string;
  className?: string;
}) {
  const [failed, setFailed] = useState(false);
  useEffect(() => setFailed(false), [detectionId]);
  if (detectionId === null || detectionId === undefined || failed) {
    return (
      <div className={`img-missing ${className ?? ''}`} role="img" aria-label={alt}>
        <span>No image</span>
      </div>
    );
  }
  return (
    <img
      className={className}
      src={imagePaths.crop(detectionId)}
      alt={alt}
      loading="lazy"
      draggable={false}
      onError={() => setFailed(true)}
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
