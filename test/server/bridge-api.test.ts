import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imagePaths } from '../../electron/core/api';
import { importFolder } from '../../electron/core/importing/import-folder';
import { jpeg } from '../support/image-fixtures';
import { callApi, send, startFixture, type BridgeFixture } from './support';

// Everything here runs over real HTTP against a real Engine on a temp gallery. No call needs engine.services()
// (status.get, review.candidates, models.*), so these tests do not depend on the stripe matcher or any model.
let f: BridgeFixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f.close();
});

describe('the AppApi over HTTP', () => {
  it('lists individuals and reads settings', async () => {
    const list = await callApi(f.bridge, 'individuals.list');
    expect(list.status).toBe(200);
    expect(list.json).toEqual({ ok: true, value: [], mutated: false });

    const settings = await callApi(f.bridge, 'settings.get');
    expect(settings.status).toBe(200);
    expect(settings.json).toMatchObject({
      ok: true,
      value: { reviewCandidates: 12, newIndividualThreshold: null },
    });
  });

  it('writes settings and says the call mutated the gallery', async () => {
    const res = await callApi(f.bridge, 'settings.set', { reviewer: 'Ranger Asha', reviewCandidates: 8 });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      ok: true,
      mutated: true,
      value: { reviewer: 'Ranger Asha', reviewCandidates: 8 },
    });
    expect((await callApi(f.bridge, 'settings.get')).json).toMatchObject({
      value: { reviewer: 'Ranger Asha' },
    });
  });

  it('answers an invalid argument with 400 and a message naming the field', async () => {
    const res = await callApi(f.bridge, 'settings.set', { reviewCandidates: 0 });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({
      ok: false,
      error: { type: 'InvalidArgument', code: 'INVALID_ARGUMENT' },
    });
    expect((res.json as { error: { message: string } }).error.message).toMatch(/reviewCandidates/);
  });

  it('answers an unknown method with 400 and a did-you-mean', async () => {
    const res = await callApi(f.bridge, 'individual.list');
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      ok: false,
      error: {
        type: 'InvalidArgument',
        code: 'UNKNOWN_METHOD',
        message: 'Unknown method "individual.list" (did you mean "individuals.list"?)',
      },
    });
  });

  it('answers a missing individual with 404 NOT_FOUND', async () => {
    const res = await callApi(f.bridge, 'individuals.get', { individual: 999 });
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ ok: false, error: { type: 'EngineError', code: 'NOT_FOUND' } });
  });

  it('refuses malformed JSON with 400 and GET on the API with 405', async () => {
    const bad = await send(f.bridge.port, {
      method: 'POST',
      path: '/api/settings.get',
      headers: { authorization: `Bearer ${f.bridge.token}`, 'content-type': 'application/json' },
      body: '{"reviewer":',
    });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({ ok: false, error: { type: 'InvalidArgument' } });
    const get = await send(f.bridge.port, {
      path: '/api/settings.get',
      headers: { authorization: `Bearer ${f.bridge.token}` },
    });
    expect(get.status).toBe(405);
  });
});

describe('secrets over HTTP', () => {
  const tokenSecret = 'as-SECRET-modal-value-0123456789';

  it('sets the Modal token but only ever reports whether one is set', async () => {
    const set = await callApi(f.bridge, 'secrets.setModalToken', { tokenId: 'ak-modal-id', tokenSecret });
    expect(set.status).toBe(200);
    expect(set.json).toEqual({
      ok: true,
      mutated: true,
      value: { modalTokenSet: true, backend: 'plain-text' },
    });
    const status = await callApi(f.bridge, 'secrets.status');
    expect((status.json as { value: object }).value).toEqual({ modalTokenSet: true, backend: 'plain-text' });
    expect(status.text).not.toContain(tokenSecret);
    // The store holds it; no API method returns it.
    expect(f.engine.secrets.get('modal.tokenSecret')).toBe(tokenSecret);
  });

  it('never writes the Modal token or the bridge token to the log', async () => {
    // Provoke every kind of log line: the exchange, refusals, a bad call, a traversal attempt.
    await send(f.bridge.port, { path: `/?token=${f.bridge.token}` });
    await send(f.bridge.port, { path: `/?token=${tokenSecret}` });
    await send(f.bridge.port, {
      path: '/..%2f..%2fetc%2fpasswd',
      headers: { authorization: `Bearer ${f.bridge.token}` },
    });
    await callApi(f.bridge, `no.such.${f.bridge.token}`);
    await callApi(f.bridge, 'secrets.setModalToken', {
      tokenId: 'x',
      tokenSecret: `${tokenSecret}`.repeat(20),
    });
    expect(f.log.lines.length).toBeGreaterThan(3);
    for (const line of f.log.lines) {
      expect(line).not.toContain(f.bridge.token);
      expect(line).not.toContain(tokenSecret);
    }
  });
});

describe('images', () => {
  let mediaId: number;
  let detectionId: number;
  let wholeFrameId: number;
  let photo: string;

  beforeAll(async () => {
    const folder = join(f.root, 'photos');
    mkdirSync(folder);
    photo = join(folder, 'cam01-0001.jpg');
    writeFileSync(photo, await jpeg(2400, 1600, 3));
    const summary = await importFolder(f.engine.core, { folder });
    expect(summary.imported).toBe(1);
    mediaId = summary.mediaIds[0]!;
    const insert = f.engine.core.db.prepare(
      `INSERT INTO detections (media_id, box_x, box_y, box_w, box_h, confidence, detector, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, '2024-01-01T00:00:00Z')`,
    );
    detectionId = Number(insert.run(mediaId, 0.25, 0.25, 0.5, 0.5, 0.9, 'test-detector').lastInsertRowid);
    wholeFrameId = Number(insert.run(mediaId, 0, 0, 1, 1, null, 'whole-frame').lastInsertRowid);
  });

  const get = (path: string) =>
    send(f.bridge.port, { path, headers: { authorization: `Bearer ${f.bridge.token}` } });
  const size = async (body: Buffer) => {
    const meta = await sharp(body).metadata();
    return { format: meta.format, width: meta.width, height: meta.height };
  };

  it('serves the stored thumbnail', async () => {
    const res = await get(imagePaths.thumbnail(mediaId));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(await size(res.body)).toEqual({ format: 'jpeg', width: 320, height: 213 });
  });

  it('serves the full photo as JPEG no larger than 2048 px', async () => {
    const res = await get(imagePaths.full(mediaId));
    expect(res.status).toBe(200);
    expect(await size(res.body)).toEqual({ format: 'jpeg', width: 2048, height: 1365 });
  });

  it('serves a detection crop with 5 % padding, no larger than 1024 px', async () => {
    const res = await get(imagePaths.crop(detectionId));
    expect(res.status).toBe(200);
    // Box 1200 × 800 px padded 5 % on every side: 1320 × 880, shrunk to 1024 wide.
    expect(await size(res.body)).toEqual({ format: 'jpeg', width: 1024, height: 683 });
    const whole = await get(imagePaths.crop(wholeFrameId));
    // A whole-frame detection is the whole 3:2 frame.
    expect(await size(whole.body)).toEqual({ format: 'jpeg', width: 1024, height: 683 });
  });

  it('gives 404 for unknown ids and paths', async () => {
    expect((await get(imagePaths.full(9999))).status).toBe(404);
    expect((await get(imagePaths.crop(9999))).status).toBe(404);
    expect((await get('/images/media/abc/full')).status).toBe(404);
    expect((await get(`/images/media/${mediaId}/original`)).status).toBe(404);
  });

  it('says clearly when the photo file has vanished', async () => {
    rmSync(photo);
    const res = await get(imagePaths.full(mediaId));
    expect(res.status).toBe(422);
    expect(res.text).toMatch(
      /cam01-0001\.jpg cannot be read: it does not exist \(moved or deleted\?\)\. \[FILE_UNREADABLE\]/,
    );
    // The thumbnail lives in the data folder and still shows.
    expect((await get(imagePaths.thumbnail(mediaId))).status).toBe(200);
  });
});
