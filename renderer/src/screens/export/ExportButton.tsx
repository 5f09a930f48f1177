import { useEffect, useRef, useState } from 'react';
import type { ExportTarget } from '../../lib/exports';
import { ExportDialog } from './ExportDialog';

/** A button that opens the export dialog, and takes the focus back when the dialog closes. */
export function ExportButton({
  targets,
  label,
  title,
  className = 'btn',
}: {
  targets: ExportTarget[];
  label: string;
  /** The dialog's heading; the export's own name when absent. */
  title?: string;
  className?: string;
}) {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);

  // After the dialog is gone (the page behind it is no longer inert), return the focus to the opener.
  useEffect(() => {
    if (wasOpen.current && !open) buttonRef.current?.focus();
    wasOpen.current = open;
  }, [open]);

  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        className={className}
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
      >
        {label}
      </button>
      {open && (
        <ExportDialog targets={targets} {...(title ? { title } : {})} onClose={() => setOpen(false)} />
      )}
    </>
  );
}
