/**
 * The folder the user last saved an export in, offered first next time (before the app's default folder). Kept in
 * this browser's (or Electron window's) local storage: it is a convenience of this screen, not gallery data.
 */
const KEY = 'tigerid.exports.lastFolder';

export function lastExportFolder(): string | null {
  try {
    return window.localStorage.getItem(KEY);
  } catch {
    // Storage switched off: the default folder is offered instead.
    return null;
  }
}

export function rememberExportFolder(folder: string): void {
  try {
    window.localStorage.setItem(KEY, folder);
  } catch {
    // Storage switched off or full: next time the default folder is offered again, which is still correct.
  }
}
