import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../electron/core/log';
import { CONTENT_SECURITY_POLICY } from '../../electron/core/server/security-headers';
import { isTrustedSender } from '../../electron/shell/app-origin';
import { createAppProtocolHandler, resolveAppPath } from '../../electron/shell/app-protocol';
import { jpeg } from '../support/image-fixtures';
import { tempCore } from '../support/temp-core';
import { tempDir } from '../support/temp-dir';
import { importFolder } from '../../electron/core/importing/import-folder';
import { writeRenderer } from '../server/support';

describe('isTrustedSender', () => {
  it('trusts only app://tiger-id, comparing protocol and host (the origin of app:// is "null" in Node)', () => {
    expect(new URL('app://tiger-id/').origin).toBe('null');
    expect(isTrustedSender('app://tiger-id/')).toBe(true);
    expect(isTrustedSender('app://tiger-id/index.html?x=1#/review')).toBe(true);
    for (const url of [
      'app://other-host/',
      'https://tiger-id/',
      'file:///tiger-id/index.html',
      'app://tiger-id.evil/',
      undefined,
      'null',
    ]) {
      expect(isTrustedSender(url), String(url)).toBe(false);
    }
  });
});

describe('the app:// protocol', () => {
  const temp = tempDir('tigerid-protocol-');
  const rendererDir = writeRenderer(join(temp.path, 'renderer'));
  const core = tempCore();
  const log = memoryLogger();
  const handle = createAppProtocolHandler({ rendererDir, ctx: core, log });
  let mediaId: number;

  beforeAll(async () => {
    const photos = join(temp.path, 'photos');
    mkdirSync(photos);
    writeFileSync(join(photos, 'a.jpg'), await jpeg(640, 480, 1));
    mediaId = (await importFolder(core, { folder: photos })).mediaIds[0]!;
  });
  afterAll(() => {
    core.cleanup();
    temp.cleanup();
  });

  it('serves index.html with the CSP, and assets with their types', async () => {
    const page = await handle(new Request('app://tiger-id/'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('Tiger ID');
    const js = await handle(new Request('app://tiger-id/assets/app.js'));
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const route = await handle(new Request('app://tiger-id/individuals/3'));
    expect(await route.text()).toContain('Tiger ID');
  });

  it('serves the image routes through the same renderImage as the bridge', async () => {
    const res = await handle(new Request(`app://tiger-id/images/media/${mediaId}/full`));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([640, 480]);
    expect((await handle(new Request('app://tiger-id/images/media/999/full'))).status).toBe(404);
  });

  it('refuses traversal and other hosts', async () => {
    for (const url of [
      'app://tiger-id/..%2f..%2fetc%2fpasswd',
      'app://tiger-id/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      'app://tiger-id/a%5c..%5c..%5cetc',
    ]) {
      expect((await resolveAppPath(rendererDir, url)).kind, url).toBe('refused');
      expect((await handle(new Request(url))).status, url).toBe(400);
    }
    expect((await resolveAppPath(rendererDir, 'app://evil/index.html')).kind).toBe('refused');
    expect(await resolveAppPath(rendererDir, 'app://tiger-id/assets/app.js')).toEqual({
      kind: 'file',
      file: join(rendererDir, 'assets', 'app.js'),
    });
  });
});
