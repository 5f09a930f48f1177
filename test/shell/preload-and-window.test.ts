import { buildSync } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../electron/core/log';
import { API_CHANNEL, PICK_FOLDER_CHANNEL } from '../../electron/shell/channels';
import {
  denyPermissions,
  guardContents,
  secureWebPreferences,
  type PreventableEvent,
} from '../../electron/shell/window-security';

const PRELOAD = join(import.meta.dirname, '..', '..', 'electron', 'preload.ts');

/** Bundles the preload as build:main does and runs it against a fake 'electron' in a fresh context. */
function runPreload() {
  const code = buildSync({
    entryPoints: [PRELOAD],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['electron'],
    write: false,
  }).outputFiles[0]!.text;
  const exposed = new Map<string, Record<string, unknown>>();
  const invocations: unknown[][] = [];
  const required: string[] = [];
  const electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, value: Record<string, unknown>) => exposed.set(key, value),
    },
    ipcRenderer: { invoke: async (...args: unknown[]) => (invocations.push(args), { ok: true }) },
  };
  const module = { exports: {} };
  runInNewContext(code, {
    module,
    exports: module.exports,
    require: (name: string) => {
      required.push(name);
      if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`);
      return electron;
    },
  });
  return { exposed, invocations, required };
}

describe('preload', () => {
  it('requires only electron and exposes exactly window.api.invoke and window.api.pickFolder', async () => {
    const { exposed, invocations, required } = runPreload();
    expect(required).toEqual(['electron']);
    expect([...exposed.keys()]).toEqual(['api']);
    const api = exposed.get('api')!;
    expect(Object.keys(api).sort()).toEqual(['invoke', 'pickFolder']);
    await (api.invoke as (m: string, a: unknown) => Promise<unknown>)('individuals.list', {});
    await (api.pickFolder as () => Promise<unknown>)();
    expect(invocations).toEqual([[API_CHANNEL, 'individuals.list', {}], [PICK_FOLDER_CHANNEL]]);
  });

  it('has type-only imports apart from electron', () => {
    const source = readFileSync(PRELOAD, 'utf8');
    const imports = source.split('\n').filter((l) => /^\s*import\b/.test(l));
    for (const line of imports) expect(line, line).toMatch(/^import type |from 'electron';$/);
  });
});

describe('window security', () => {
  it('uses isolated, sandboxed, Node-free web preferences', () => {
    expect(secureWebPreferences('/app/preload.cjs')).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('blocks navigation away from app://tiger-id, new windows and webviews', () => {
    type Listener = (event: PreventableEvent, url: string) => void;
    const listeners = new Map<string, Listener>();
    let openHandler: ((d: { url: string }) => { action: string }) | undefined;
    const contents = {
      on(event: string, listener: Listener) {
        listeners.set(event, listener);
        return contents;
      },
      setWindowOpenHandler(h: (d: { url: string }) => { action: 'deny' }) {
        openHandler = h;
      },
    };
    const log = memoryLogger();
    guardContents(contents, log);
    const navigate = (event: string, url: string) => {
      let prevented = false;
      listeners.get(event)!({ preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    for (const event of ['will-navigate', 'will-redirect']) {
      expect(navigate(event, 'https://evil.example/phish'), event).toBe(true);
      expect(navigate(event, 'file:///etc/passwd'), event).toBe(true);
      expect(navigate(event, 'app://other-host/'), event).toBe(true);
      expect(navigate(event, 'app://tiger-id/individuals/3'), event).toBe(false);
    }
    expect(navigate('will-attach-webview', 'app://tiger-id/')).toBe(true);
    expect(openHandler!({ url: 'https://example.org' })).toEqual({ action: 'deny' });
    expect(openHandler!({ url: 'app://tiger-id/' })).toEqual({ action: 'deny' });
  });

  it('denies every permission request and check', () => {
    let request: ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void) | undefined;
    let check: ((wc: unknown, permission: string) => boolean) | undefined;
    denyPermissions(
      { setPermissionRequestHandler: (h) => (request = h), setPermissionCheckHandler: (h) => (check = h) },
      memoryLogger(),
    );
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read']) {
      let granted: boolean | undefined;
      request!(undefined, permission, (g) => (granted = g));
      expect(granted, permission).toBe(false);
      expect(check!(undefined, permission)).toBe(false);
    }
  });
});
