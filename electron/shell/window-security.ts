import type { Logger } from '../core/log';
import { isAppUrl } from './app-origin';

/**
 * webPreferences of every window: the renderer is an ordinary sandboxed web page that reaches the main process
 * only through the preload's two functions.
 */
export function secureWebPreferences(preload: string) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  } as const;
}

export interface PreventableEvent {
  preventDefault(): void;
}

/** The part of Electron's WebContents the guards attach to; a fake in tests. */
export interface GuardedContents {
  // One overload per event, as Electron declares them: a union signature would not accept the real WebContents.
  /* eslint-disable @typescript-eslint/unified-signatures */
  on(event: 'will-navigate', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-redirect', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  /* eslint-enable @typescript-eslint/unified-signatures */
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/** The part of Electron's Session the guards use. */
export interface GuardedSession {
  setPermissionRequestHandler(
    handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
}

/**
 * Keeps a window on app://tiger-id: navigation and redirects elsewhere are cancelled, new windows and <webview>
 * refused. A link to the outside world never opens inside the app, where it would run beside the preload.
 */
export function guardContents(contents: GuardedContents, log: Logger): void {
  const stayHome = (event: PreventableEvent, url: string) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    log.warn(`Blocked navigation away from the app (${describeUrl(url)}).`);
  };
  contents.on('will-navigate', stayHome);
  contents.on('will-redirect', stayHome);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    log.warn(`Blocked a new window (${describeUrl(url)}).`);
    return { action: 'deny' };
  });
}

/** The app needs no camera, microphone, location, notifications or anything else a page can ask for. */
export function denyPermissions(session: GuardedSession, log: Logger): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    log.warn(`Denied a request for the "${permission}" permission.`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
}

function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'unparseable URL';
  }
}
