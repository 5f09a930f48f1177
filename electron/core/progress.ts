/** Progress of long work (import, model download, eval), reported by the core and drawn by each door. */
export interface ProgressEvent {
  phase: string;
  done: number;
  /** Unknown while a folder is still being scanned or a download has no Content-Length. */
  total: number | undefined;
  /** Unit for rates: "images", "bytes", "queries". */
  unit: string;
  message?: string;
}

export type ProgressListener = (event: ProgressEvent) => void;

export const ignoreProgress: ProgressListener = () => {};
