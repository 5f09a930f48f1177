import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';

export interface ToastAction {
  label: string;
  run: () => Promise<void> | void;
}

export interface Toast {
  id: number;
  message: string;
  tone: 'info' | 'error';
  action?: ToastAction;
}

interface ToastApi {
  show(message: string, options?: { action?: ToastAction; tone?: 'info' | 'error'; ms?: number }): void;
}

const ToastContext = createContext<ToastApi>({ show: () => {} });

export function useToast(): ToastApi {
  return useContext(ToastContext);
}

/** One toast at a time, bottom right; an action (Undo) keeps it up longer. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toast, setToast] = useState<Toast | null>(null);
  const [busy, setBusy] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const nextId = useRef(1);

  const show = useCallback<ToastApi['show']>((message, options = {}) => {
    if (timer.current) clearTimeout(timer.current);
    const id = nextId.current++;
    setToast({
      id,
      message,
      tone: options.tone ?? 'info',
      ...(options.action ? { action: options.action } : {}),
    });
    timer.current = setTimeout(
      () => setToast((t) => (t?.id === id ? null : t)),
      options.ms ?? (options.action ? 10000 : 4000),
    );
  }, []);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  return (
    <ToastContext.Provider value={{ show }}>
      {children}
      <div className="toast-region" aria-live="polite">
        {toast && (
          <div className={`toast toast-${toast.tone}`}>
            <span>{toast.message}</span>
            {toast.action && (
              <button
                type="button"
                className="btn btn-small btn-on-dark"
                disabled={busy}
                onClick={async () => {
                  setBusy(true);
                  try {
                    await toast.action?.run();
                  } finally {
                    setBusy(false);
                  }
                }}
              >
                {toast.action.label}
              </button>
            )}
            <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => setToast(null)}>
              ×
            </button>
          </div>
        )}
      </div>
    </ToastContext.Provider>
  );
}
