import { z } from 'zod';
import type { ApiResponse } from '../core/api';
import type { Logger } from '../core/log';
import { API_CHANNEL, PICK_FOLDER_CHANNEL } from './channels';

/** The part of Electron's IpcMainInvokeEvent the handlers read (a fake in tests). */
export interface InvokeEventLike {
  /** null when the frame navigated away or was destroyed before the message was handled. */
  senderFrame: { url: string } | null;
}

/** The part of Electron's ipcMain the shell uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export type DispatchFn = (method: unknown, args: unknown) => Promise<ApiResponse<unknown>>;

/** Thrown (so the renderer's invoke() rejects) when a message comes from a frame that is not our page. */
export class UntrustedSenderError extends Error {
  override readonly name = 'UntrustedSenderError';
}

// (method, args?): method a short string; args whatever the method's own schema checks in dispatch.
const apiCallSchema = z.tuple([z.string().min(1).max(200), z.unknown().optional()]);

/**
 * Handles `tigerid:api`: checks the sender, checks the call's shape and hands (method, args) to the one dispatcher.
 * Engine work is async (sharp and onnxruntime run off the main thread), so a long call does not freeze the window;
 * heavy inference could move to a utilityProcess later without changing this channel.
 */
export function registerApiIpc(
  ipcMain: IpcMainLike,
  dispatch: DispatchFn,
  isTrustedSender: (url: string | undefined) => boolean,
  log: Logger,
): () => void {
  ipcMain.handle(API_CHANNEL, async (event, ...payload) => {
    checkSender(event, isTrustedSender, API_CHANNEL, log);
    const call = apiCallSchema.safeParse(payload);
    if (!call.success) {
      return {
        ok: false,
        error: {
          type: 'InvalidArgument',
          code: 'INVALID_ARGUMENT',
          message: `${API_CHANNEL} expects (method: string, args?: object) but received ${describe(payload)}`,
        },
      } satisfies ApiResponse<never>;
    }
    const [method, args] = call.data;
    return dispatch(method, args);
  });
  return () => ipcMain.removeHandler(API_CHANNEL);
}

/** Handles `tigerid:pick-folder`: the native folder dialog, for the import screen. Takes no arguments. */
export function registerFolderPickerIpc(
  ipcMain: IpcMainLike,
  pickFolder: () => Promise<string | null>,
  isTrustedSender: (url: string | undefined) => boolean,
  log: Logger,
): () => void {
  ipcMain.handle(PICK_FOLDER_CHANNEL, async (event, ...payload) => {
    checkSender(event, isTrustedSender, PICK_FOLDER_CHANNEL, log);
    if (payload.length > 0) {
      throw new TypeError(`${PICK_FOLDER_CHANNEL} takes no arguments but received ${describe(payload)}`);
    }
    return pickFolder();
  });
  return () => ipcMain.removeHandler(PICK_FOLDER_CHANNEL);
}

function checkSender(
  event: InvokeEventLike,
  isTrustedSender: (url: string | undefined) => boolean,
  channel: string,
  log: Logger,
): void {
  const url = event.senderFrame?.url;
  if (isTrustedSender(url)) return;
  // The URL is logged without query or fragment: it is a foreign page's, and could carry anything.
  log.warn(`Refused ${channel} from an untrusted frame (${safeUrl(url)}).`);
  throw new UntrustedSenderError(`${channel} is only answered for the Tiger ID window.`);
}

function safeUrl(url: string | undefined): string {
  if (url === undefined) return 'no frame';
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`.slice(0, 200);
  } catch {
    return 'unparseable URL';
  }
}

function describe(payload: unknown[]): string {
  const kinds = payload.map((p) => (p === null ? 'null' : Array.isArray(p) ? 'array' : typeof p));
  return `${payload.length} argument(s) of type ${kinds.length > 0 ? kinds.join(', ') : 'none'}`;
}
