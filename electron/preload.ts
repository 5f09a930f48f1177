/**
 * The window's only bridge to the main process. Sandboxed preloads can require nothing but 'electron', so this
 * file has type imports only and repeats the two channel names of shell/channels.ts (a test keeps them equal).
 * It exposes exactly `window.api.invoke` and `window.api.pickFolder`: no ipcRenderer, no Node.
 */
import type { ApiMethod, ApiResponse } from './core/api';
import { contextBridge, ipcRenderer } from 'electron';

const api = {
  /** Calls one AppApi method; always resolves with the ApiResponse envelope (errors included). */
  invoke(method: ApiMethod, args?: unknown): Promise<ApiResponse<unknown>> {
    return ipcRenderer.invoke('tigerid:api', method, args) as Promise<ApiResponse<unknown>>;
  },
  /** Opens the native folder picker; null when the user cancels. */
  pickFolder(): Promise<string | null> {
    return ipcRenderer.invoke('tigerid:pick-folder') as Promise<string | null>;
  },
};

export type PreloadApi = typeof api;

contextBridge.exposeInMainWorld('api', api);
