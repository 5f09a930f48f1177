import { describe, expect, it } from 'vitest';
import type { ApiResponse } from '../../electron/core/api';
import { memoryLogger } from '../../electron/core/log';
import {
  registerApiIpc,
  registerFolderPickerIpc,
  UntrustedSenderError,
  type IpcMainLike,
  type InvokeEventLike,
} from '../../electron/shell/api-ipc';
import { isTrustedSender } from '../../electron/shell/app-origin';
import { API_CHANNEL, IPC_CHANNELS, PICK_FOLDER_CHANNEL } from '../../electron/shell/channels';

type Listener = (event: InvokeEventLike, ...args: unknown[]) => unknown;

/** Electron's ipcMain cannot run here: this keeps the handlers and lets a test invoke them as a renderer would. */
function fakeIpcMain() {
  const handlers = new Map<string, Listener>();
  const ipc: IpcMainLike = {
    handle(channel, listener) {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, listener);
    },
    removeHandler(channel) {
      handlers.delete(channel);
    },
  };
  const invoke = async (channel: string, frameUrl: string | null, ...args: unknown[]) => {
    const handler = handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler({ senderFrame: frameUrl === null ? null : { url: frameUrl } }, ...args);
  };
  return { ipc, handlers, invoke };
}

function wire() {
  const fake = fakeIpcMain();
  const calls: { method: unknown; args: unknown }[] = [];
  const log = memoryLogger();
  const dispatch = async (method: unknown, args: unknown): Promise<ApiResponse<unknown>> => {
    calls.push({ method, args });
    return { ok: true, value: { echoed: method }, mutated: false };
  };
  let picks = 0;
  const unregister = [
    registerApiIpc(fake.ipc, dispatch, isTrustedSender, log),
    registerFolderPickerIpc(fake.ipc, async () => (picks++, '/photos/cam01'), isTrustedSender, log),
  ];
  return { ...fake, calls, log, picks: () => picks, unregister };
}

const APP_PAGE = 'app://tiger-id/index.html#/review';

describe('IPC wiring', () => {
  it('registers every channel, and each can be removed', () => {
    const w = wire();
    expect([...w.handlers.keys()].sort()).toEqual([...IPC_CHANNELS].sort());
    for (const off of w.unregister) off();
    expect(w.handlers.size).toBe(0);
  });

  it('passes a valid call from the app window to dispatch', async () => {
    const w = wire();
    const result = await w.invoke(API_CHANNEL, APP_PAGE, 'individuals.list', {});
    expect(result).toEqual({ ok: true, value: { echoed: 'individuals.list' }, mutated: false });
    expect(w.calls).toEqual([{ method: 'individuals.list', args: {} }]);
    expect(await w.invoke(PICK_FOLDER_CHANNEL, APP_PAGE)).toBe('/photos/cam01');
  });

  it('rejects calls from foreign frames on every channel, before dispatch runs', async () => {
    const w = wire();
    const foreign = [
      'https://evil.example/',
      'file:///home/user/evil.html',
      'app://other-host/index.html',
      'app://tiger-id.evil.example/',
      'app://user@tiger-id/',
      'app://tiger-id:8080/',
      'http://127.0.0.1:5173/',
      'about:blank',
      'not a url',
      '',
      null,
    ];
    for (const url of foreign) {
      for (const channel of IPC_CHANNELS) {
        await expect(
          w.invoke(channel, url, 'individuals.list', {}),
          `${channel} from ${String(url)}`,
        ).rejects.toBeInstanceOf(UntrustedSenderError);
      }
    }
    expect(w.calls).toEqual([]);
    expect(w.picks()).toBe(0);
    expect(
      w.log.lines.some((l) =>
        l.includes('Refused tigerid:api from an untrusted frame (https://evil.example/)'),
      ),
    ).toBe(true);
  });

  it('rejects malformed calls with a clear error and never dispatches them', async () => {
    const w = wire();
    for (const args of [[], [42, {}], ['', {}], ['individuals.list', {}, 'extra']]) {
      const result = (await w.invoke(API_CHANNEL, APP_PAGE, ...args)) as ApiResponse<unknown>;
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.type).toBe('InvalidArgument');
        expect(result.error.message).toMatch(
          /^tigerid:api expects \(method: string, args\?: object\) but received \d argument/,
        );
      }
    }
    expect(w.calls).toEqual([]);
    await expect(w.invoke(PICK_FOLDER_CHANNEL, APP_PAGE, '/etc')).rejects.toThrow(
      'tigerid:pick-folder takes no arguments but received 1 argument(s) of type string',
    );
    expect(w.picks()).toBe(0);
  });
});
