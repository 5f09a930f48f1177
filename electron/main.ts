/**
 * Electron entry: app lifecycle, the one window, the app:// protocol and IPC wiring. No engine logic lives here:
 * every decision is in electron/shell/* (tested with fakes) or electron/core (shared with the CLI and the bridge).
 */
import { app, BrowserWindow, dialog, ipcMain, powerMonitor, protocol, safeStorage, session } from 'electron';
import { join } from 'node:path';
import { createAppApi } from './core/api-handlers';
import { dispatch } from './core/dispatch';
import { Engine } from './core/engine';
import { registerApiIpc, registerFolderPickerIpc } from './shell/api-ipc';
import { APP_SCHEME, APP_URL, isTrustedSender } from './shell/app-origin';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './shell/app-protocol';
import { consoleLogger } from './shell/console-logger';
import { SafeStorageSecretStore } from './shell/safe-storage-secrets';
import { denyPermissions, guardContents, secureWebPreferences } from './shell/window-security';

// Bundled to dist/electron/main.js beside preload.cjs; the Vite build of the renderer is dist/renderer.
const here = import.meta.dirname;
const rendererDir = join(here, '..', 'renderer');
const log = consoleLogger(process.env.TIGERID_DEBUG === '1');

// Must happen before 'ready'.
protocol.registerSchemesAsPrivileged(APP_SCHEME_PRIVILEGES);
app.enableSandbox();

// One app instance per gallery: two processes writing one SQLite file through two engines would fight over imports.
if (!app.requestSingleInstanceLock()) app.quit();

let engine: Engine | undefined;
let mainWindow: BrowserWindow | undefined;

app.on('web-contents-created', (_event, contents) => guardContents(contents, log));
app.on('second-instance', () => {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
});

app
  .whenReady()
  .then(start)
  .catch((error: unknown) => fail(error));

async function start(): Promise<void> {
  // Same folder as the CLI's default (app name 'tiger-id'), so `tigerid` and the app share one gallery.
  const dataDir = process.env.TIGERID_DATA ?? app.getPath('userData');
  const secrets = new SafeStorageSecretStore(safeStorage, join(dataDir, 'secrets.json'));
  if (secrets.backend === 'plain-text')
    log.warn('No OS keychain is available: the Modal token is stored unencrypted.');
  // A packaged app carries the manifest as an extraResource; from a checkout it is the repository's models/.
  const manifestFile = app.isPackaged ? join(process.resourcesPath, 'models', 'models.json') : undefined;
  engine = new Engine({ dataDir, secrets, log, ...(manifestFile ? { manifestFile } : {}) });
  const api = createAppApi(engine);
  // A laptop waking up in camp may have a connection again: try the offline queue at once.
  const running = engine;
  powerMonitor.on('resume', () => running.queueSync.kick());

  denyPermissions(session.defaultSession, log);
  protocol.handle(APP_SCHEME, createAppProtocolHandler({ rendererDir, ctx: engine.core, log }));
  // The engine's work is async (sharp and onnxruntime run on their own threads), so the window stays responsive;
  // heavy inference could move to a utilityProcess later without changing the channel.
  registerApiIpc(ipcMain, (method, args) => dispatch(api, method, args, log), isTrustedSender, log);
  registerFolderPickerIpc(ipcMain, pickFolder, isTrustedSender, log);

  mainWindow = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Tiger ID',
    show: false,
    webPreferences: secureWebPreferences(join(here, 'preload.cjs')),
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.on('closed', () => (mainWindow = undefined));
  await mainWindow.loadURL(APP_URL);
}

async function pickFolder(): Promise<string | null> {
  const options = { title: 'Choose a folder of camera-trap photos', properties: ['openDirectory' as const] };
  const result = mainWindow
    ? await dialog.showOpenDialog(mainWindow, options)
    : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

app.on('window-all-closed', () => app.quit());

// Imports stop at a safe point and the database closes before the process exits.
let closed = false;
app.on('before-quit', (event) => {
  if (closed || !engine) return;
  event.preventDefault();
  const closing = engine;
  engine = undefined;
  closing
    .close()
    .catch((error: unknown) => log.error(`Closing the engine failed: ${String(error)}`))
    .finally(() => {
      closed = true;
      app.quit();
    });
});

function fail(error: unknown): void {
  log.error(`Tiger ID could not start: ${(error as Error)?.stack ?? String(error)}`);
  dialog.showErrorBox('Tiger ID could not start', error instanceof Error ? error.message : String(error));
  app.exit(1);
}
