import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppApi } from '../../electron/core/api';
import { Engine } from '../../electron/core/engine';
import { EngineError } from '../../electron/core/errors';
import { engineWithCard } from '../support/api-import';
import { writeCard } from '../support/camera-frames';
import { tempDir } from '../support/temp-dir';

/**
 * A reviewer's "empty" (E) and "not a tiger" (O) through the AppApi on a real gallery: 3 animal frames (animal-1 and
 * animal-2 one encounter, 2 s apart) and 6 blanks set aside by localisation.
 */
describe('empty frames and other species marked in Review (AppApi)', () => {
  const dir = tempDir('tigerid-content-marks-');
  let engine: Engine;
  let api: AppApi;
  const detection = new Map<string, number>();
  const media = new Map<string, number>();

  const queueTotal = async () => (await api['review.queue']({})).total;
  const labels = (ids: number[]) =>
    ids.map(
      (id) =>
        engine.core.db.prepare('SELECT label, species FROM detections WHERE id = ?').get(id) as {
          label: string;
          species: string | null;
        },
    );
  const conflict = async (p: Promise<unknown>, message: RegExp) => {
    const error = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('CONFLICT');
    expect((error as EngineError).message).toMatch(message);
  };

  beforeAll(async () => {
    ({ engine, api } = await engineWithCard(dir.path, writeCard, 'ranger-a'));
    const db = engine.core.db;
    const setTime = db.prepare('UPDATE media SET captured_at = ? WHERE file_name = ?');
    setTime.run('2026-03-02T23:10:00.000Z', 'animal-1.jpg');
    setTime.run('2026-03-02T23:10:02.000Z', 'animal-2.jpg');
    const rows = db
      .prepare(
        'SELECT m.id AS mediaId, m.file_name AS file, d.id AS detectionId FROM media m LEFT JOIN detections d ON d.media_id = m.id',
      )
      .all() as { mediaId: number; file: string; detectionId: number | null }[];
    for (const r of rows) {
      const tag = r.file.replace('.jpg', '');
      media.set(tag, r.mediaId);
      if (r.detectionId !== null) detection.set(tag, r.detectionId);
    }
  });
  afterAll(async () => {
    await engine.close();
    dir.cleanup();
  });

  it('E sets the frame aside as a reviewer’s empty: out of Review, listed, undone exactly', async () => {
    expect(await queueTotal()).toBe(2);
    const undecidedBefore = (await api['status.get']({})).counts.undecided;
    const mark = await api['frames.markEmpty']({ mediaId: media.get('animal-0')! });
    expect(mark).toMatchObject({
      kind: 'empty',
      mediaId: media.get('animal-0'),
      detectionIds: [detection.get('animal-0')],
      reviewer: 'ranger-a',
      undoneAt: null,
    });
    expect(await queueTotal()).toBe(1);
    expect((await api['status.get']({})).counts.undecided).toBe(undecidedBefore - 1);
    const empties = await api['frames.empty']({});
    expect(empties.total).toBe(7);
    expect(empties.items.find((f) => f.mediaId === media.get('animal-0'))).toMatchObject({
      source: 'reviewer',
    });
    expect(empties.items.filter((f) => f.source === 'localisation')).toHaveLength(6);
    // Nobody decides on a frame said to hold no animal.
    await conflict(
      api['decisions.record']({ detectionId: detection.get('animal-0')!, verdict: 'cant-tell' }),
      /marked not a tiger, or its frame empty/,
    );
    await conflict(api['frames.markEmpty']({ mediaId: media.get('animal-0')! }), /already set aside/);

    const undone = await api['contentMarks.undo']({ markId: mark.markId });
    expect(undone.undoneAt).not.toBeNull();
    expect(await queueTotal()).toBe(2);
    expect(
      engine.core.db
        .prepare('SELECT content, content_source AS source FROM media WHERE id = ?')
        .get(media.get('animal-0')),
    ).toEqual({ content: 'animal', source: 'localisation' });
    await conflict(api['contentMarks.undo']({ markId: mark.markId }), /already undone/);
  });

  it('pulling a reviewer’s empty back from the Status card undoes the mark and keeps the detection', async () => {
    const mark = await api['frames.markEmpty']({ mediaId: media.get('animal-0')! });
    expect(await queueTotal()).toBe(1);
    expect(await api['frames.restore']({ mediaId: media.get('animal-0')! })).toEqual({
      mediaId: media.get('animal-0'),
      detections: 1,
    });
    expect(await queueTotal()).toBe(2);
    expect((await api['frames.empty']({})).total).toBe(6);
    expect(
      engine.core.db.prepare('SELECT undone_by FROM content_marks WHERE id = ?').pluck().get(mark.markId),
    ).toBe('ranger-a');
    expect(
      engine.core.db
        .prepare('SELECT id FROM detections WHERE media_id = ?')
        .pluck()
        .all(media.get('animal-0')),
    ).toEqual([detection.get('animal-0')]);
  });

  it('E on one frame of an encounter sets aside that frame only', async () => {
    const mark = await api['frames.markEmpty']({ mediaId: media.get('animal-2')! });
    const queue = await api['review.queue']({});
    const item = queue.items.find((i) =>
      i.encounter.frames.some((f) => f.detectionId === detection.get('animal-1')),
    );
    expect(item?.encounter.frames.map((f) => f.detectionId)).toEqual([detection.get('animal-1')]);
    await api['contentMarks.undo']({ markId: mark.markId });
  });

  it('O marks the encounter not a tiger with its species, suggests the species after, and undoes as one', async () => {
    const burst = [detection.get('animal-1')!, detection.get('animal-2')!];
    const mark = await api['detections.markNotTiger']({
      detectionId: burst[0]!,
      species: '  Panthera   pardus ',
    });
    expect(mark).toMatchObject({ kind: 'not-tiger', species: 'Panthera pardus', mediaId: null });
    expect([...mark.detectionIds].sort()).toEqual([...burst].sort());
    expect(labels(burst)).toEqual([
      { label: 'other', species: 'Panthera pardus' },
      { label: 'other', species: 'Panthera pardus' },
    ]);
    expect(await queueTotal()).toBe(1);
    expect(await api['detections.species']({})).toEqual({ species: ['Panthera pardus'] });
    await conflict(
      api['detections.markNotTiger']({ detectionId: burst[1]! }),
      /already marked not a tiger \(Panthera pardus\)/,
    );
    await conflict(
      api['decisions.record']({ detectionId: burst[1]!, verdict: 'new-individual' }),
      /marked not a tiger/,
    );

    await api['contentMarks.undo']({ markId: mark.markId });
    expect(labels(burst)).toEqual([
      { label: 'animal', species: null },
      { label: 'animal', species: null },
    ]);
    expect(await queueTotal()).toBe(2);
    expect(await api['detections.species']({})).toEqual({ species: [] });
  });

  it('O without a name is an unknown species; encounter: false relabels the shown frame only', async () => {
    const mark = await api['detections.markNotTiger']({
      detectionId: detection.get('animal-1')!,
      species: '   ',
      encounter: false,
    });
    expect(mark).toMatchObject({ species: null, detectionIds: [detection.get('animal-1')] });
    expect(labels([detection.get('animal-1')!, detection.get('animal-2')!])).toEqual([
      { label: 'other', species: null },
      { label: 'animal', species: null },
    ]);
    // The encounter stays in Review by its other frame.
    expect(await queueTotal()).toBe(2);
    await api['contentMarks.undo']({ markId: mark.markId });
  });

  it('refuses both marks on a sighting, and takes a can’t-tell marked not a tiger off the revisit list', async () => {
    const tiger = await api['decisions.record']({
      detectionId: detection.get('animal-0')!,
      verdict: 'new-individual',
    });
    await conflict(
      api['detections.markNotTiger']({ detectionId: detection.get('animal-0')! }),
      /is a sighting of T-\d+.*undo that decision first/,
    );
    await conflict(api['frames.markEmpty']({ mediaId: media.get('animal-0')! }), /is a sighting of/);
    await api['decisions.undo']({ decisionId: tiger.decisionId });

    await api['decisions.record']({ detectionId: detection.get('animal-0')!, verdict: 'cant-tell' });
    expect((await api['review.revisit']({})).total).toBe(1);
    const mark = await api['detections.markNotTiger']({
      detectionId: detection.get('animal-0')!,
      species: 'Sus scrofa',
    });
    expect((await api['review.revisit']({})).total).toBe(0);
    await api['contentMarks.undo']({ markId: mark.markId });
    expect((await api['review.revisit']({})).total).toBe(1);
  });

  it('rejects bad arguments with the field named', async () => {
    await expect(api['detections.markNotTiger']({ detectionId: 0 } as never)).rejects.toThrow(/detectionId/);
    await expect(api['frames.markEmpty']({ mediaId: 999_999 })).rejects.toThrow(/No frame 999999/);
    await expect(api['contentMarks.undo']({ markId: 999_999 })).rejects.toThrow(/No mark 999999/);
  });
});
