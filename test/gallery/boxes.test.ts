import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppApi, BoxEditDto, BoxSnapshotDto, CandidatesDto } from '../../electron/core/api';
import { createAppApi } from '../../electron/core/api-handlers';
import { syntheticTigerPhoto } from '../../electron/core/demo/synthetic-tigers';
import { Engine } from '../../electron/core/engine';
import { isEngineError } from '../../electron/core/errors';
import { STRIPE_MATCHER_ID } from '../../electron/core/matching/stripe-matcher';
import { recordDecision, undoDecision } from '../../electron/core/gallery/decisions';
import { FileSecretStore } from '../../electron/core/secrets';
import { importThroughApi } from '../support/api-import';
import { tempDir } from '../support/temp-dir';
import { tigerOnBlank } from '../support/tiger-on-blank';

/**
 * Boxes by hand through the AppApi, on a real SQLite gallery with the real stripe matcher: a known tiger
 * ("Stripe 1"), then a camera frame with the same tiger pasted on a blank camera-trap frame, imported as a whole
 * frame. A box drawn over the tiger is described at once and finds Stripe 1; moving it off the tiger describes it
 * again; delete and undo; the whole frame gives way to the drawn box and comes back when the drawing is undone.
 */
describe('boxes drawn, moved and deleted by hand', () => {
  const dir = tempDir('tigerid-boxes-');
  let engine: Engine;
  let api: AppApi;
  let frameId: number;
  let tiger: { x: number; y: number; w: number; h: number };
  let known: number;

  const db = () => engine.core.db;
  const stripes = (detectionId: number) =>
    db()
      .prepare('SELECT vector FROM embeddings WHERE detection_id = ? AND model_id = ?')
      .pluck()
      .get(detectionId, STRIPE_MATCHER_ID) as Buffer | undefined;
  const content = () => db().prepare('SELECT content FROM media WHERE id = ?').pluck().get(frameId);
  const scoreOf = (c: CandidatesDto | null, individualId: number) =>
    c?.candidates.find((x) => x.individualId === individualId)?.score ?? 0;

  beforeAll(async () => {
    const knownFolder = join(dir.path, 'known');
    const card = join(dir.path, 'card');
    mkdirSync(knownFolder, { recursive: true });
    mkdirSync(card, { recursive: true });
    writeFileSync(join(knownFolder, 's1.jpg'), await syntheticTigerPhoto(1, 5));
    const composed = await tigerOnBlank(1, 1);
    console.log(`boxes test: tiger pasted on ${composed.background}`);
    tiger = composed.tiger;
    writeFileSync(join(card, 'frame.jpg'), composed.jpeg);
    engine = new Engine({
      dataDir: join(dir.path, 'data'),
      secrets: new FileSecretStore(join(dir.path, 's.json')),
    });
    api = createAppApi(engine, { TIGERID_REVIEWER: 'box-test' });
    await importThroughApi(api, { folder: knownFolder, station: 'Known' });
    await importThroughApi(api, { folder: card, station: 'Ridge' });
    const s1 = db()
      .prepare("SELECT d.id FROM detections d JOIN media m ON m.id = d.media_id WHERE m.file_name = 's1.jpg'")
      .pluck()
      .get() as number;
    const decided = await api['decisions.record']({
      detectionId: s1,
      verdict: 'new-individual',
      newName: 'Stripe 1',
    });
    known = decided.individualId as number;
    frameId = db().prepare("SELECT id FROM media WHERE file_name = 'frame.jpg'").pluck().get() as number;
  }, 120_000);
  afterAll(async () => {
    await engine.close();
    dir.cleanup();
  });

  let drawn: BoxEditDto;
  /** The whole-frame detection the first drawn box replaced. */
  let wholeFrame: BoxSnapshotDto;

  it('describes a box drawn over the tiger at once, in place of the whole frame, and finds the known tiger', async () => {
    const [whole] = await api['detections.boxes']({ mediaId: frameId });
    expect(whole).toMatchObject({ detector: 'whole-frame', decided: false });
    const wholeScore = scoreOf(await api['review.candidates']({ detectionId: whole!.detectionId }), known);
    await api['detections.setFlank']({ detectionId: whole!.detectionId, flank: 'left' });

    drawn = await api['detections.addBox']({ mediaId: frameId, box: tiger });
    const id = drawn.detectionId as number;
    expect(id).toBeGreaterThan(whole!.detectionId);
    expect(drawn.removed).toEqual([
      { mediaId: frameId, box: whole!.box, detector: 'whole-frame', confidence: null, flank: 'left' },
    ]);
    wholeFrame = drawn.removed[0]!;
    expect(drawn.boxes).toEqual([
      { detectionId: id, box: tiger, detector: 'drawn', confidence: null, flank: 'left', decided: false },
    ]);
    expect(stripes(id)).toBeInstanceOf(Buffer);
    expect(content()).toBe('animal');
    // Identified again at once: the known tiger first, closer than the whole frame (grass and blank) ever came.
    expect(drawn.candidates?.candidates[0]).toMatchObject({ individualId: known, name: 'Stripe 1' });
    const score = scoreOf(drawn.candidates, known);
    console.log(
      `boxes test: Stripe 1 scores ${wholeScore.toFixed(3)} on the whole frame, ${score.toFixed(3)} on the drawn box`,
    );
    expect(score).toBeGreaterThan(wholeScore);
    expect(score).toBeGreaterThan(0.8);
    // The review queue now holds the drawn box, not the whole frame.
    const queued = (await api['review.queue']({})).items.flatMap((i) =>
      i.encounter.frames.map((f) => f.detectionId),
    );
    expect(queued).toContain(id);
    expect(queued).not.toContain(whole!.detectionId);
  });

  it('describes a moved box again, and moving it back (undo) restores what it found', async () => {
    const id = drawn.detectionId as number;
    const first = stripes(id);
    const moved = await api['detections.updateBox']({
      detectionId: id,
      box: { x: 0.05, y: 0.1, w: tiger.w, h: tiger.h },
    });
    expect(moved.detectionId).toBe(id);
    expect(moved.before).toMatchObject({ box: tiger, detector: 'drawn' });
    expect(moved.boxes[0]?.box).toEqual({ x: 0.05, y: 0.1, w: tiger.w, h: tiger.h });
    expect(stripes(id)?.equals(first as Buffer)).toBe(false);
    expect(scoreOf(moved.candidates, known)).toBeLessThan(0.3);

    const back = await api['detections.updateBox']({
      detectionId: id,
      box: moved.before!.box,
      as: { detector: moved.before!.detector, confidence: moved.before!.confidence },
    });
    expect(back.boxes[0]).toMatchObject({ box: tiger, detector: 'drawn', flank: 'left' });
    expect(stripes(id)?.equals(first as Buffer)).toBe(true);
    expect(scoreOf(back.candidates, known)).toBeCloseTo(scoreOf(drawn.candidates, known), 6);
  });

  it('deletes a box (the frame, left without one, is set aside as empty) and undo puts it back', async () => {
    const id = drawn.detectionId as number;
    const deleted = await api['detections.deleteBox']({ detectionId: id });
    expect(deleted).toMatchObject({ detectionId: null, boxes: [], candidates: null });
    expect(deleted.removed).toEqual([
      { mediaId: frameId, box: tiger, detector: 'drawn', confidence: null, flank: 'left' },
    ]);
    expect(db().prepare('SELECT COUNT(*) FROM embeddings WHERE detection_id = ?').pluck().get(id)).toBe(0);
    expect(content()).toBe('empty');
    expect((await api['frames.empty']({})).items.map((f) => f.mediaId)).toContain(frameId);

    const restored = await api['detections.restoreBoxes']({ boxes: deleted.removed });
    expect(restored.boxes).toEqual([
      {
        detectionId: restored.detectionId,
        box: tiger,
        detector: 'drawn',
        confidence: null,
        flank: 'left',
        decided: false,
      },
    ]);
    expect(content()).toBe('animal');
    expect(restored.candidates?.candidates[0]?.individualId).toBe(known);
    expect(scoreOf(restored.candidates, known)).toBeCloseTo(scoreOf(drawn.candidates, known), 6);
    drawn = restored;
  });

  it('undoes a drawing: the drawn box goes and the whole frame it replaced comes back', async () => {
    const second = await api['detections.addBox']({
      mediaId: frameId,
      box: { x: 0.1, y: 0.5, w: 0.2, h: 0.2 },
    });
    expect(second.removed).toEqual([]);
    expect(second.boxes.map((b) => b.detector)).toEqual(['drawn', 'drawn']);
    const undone = await api['detections.restoreBoxes']({
      boxes: [{ ...wholeFrame, flank: 'unknown' }],
      remove: [second.detectionId as number],
    });
    expect(undone.removed).toEqual([
      {
        mediaId: frameId,
        box: { x: 0.1, y: 0.5, w: 0.2, h: 0.2 },
        detector: 'drawn',
        confidence: null,
        flank: 'unknown',
      },
    ]);
    expect(undone.boxes.map((b) => b.detector)).toEqual(['drawn', 'whole-frame']);
    expect(undone.boxes[1]?.box).toEqual(wholeFrame.box);
    expect(content()).toBe('animal');
    await api['detections.deleteBox']({ detectionId: drawn.detectionId as number });
    expect(content()).toBe('unknown');
  });

  it('refuses boxes outside the photo, too small, on a missing frame, and deleting a decided box', async () => {
    const outside = await api['detections.addBox']({
      mediaId: frameId,
      box: { x: 0.8, y: 0.1, w: 0.3, h: 0.2 },
    }).catch((e: unknown) => e);
    expect(isEngineError(outside, 'INVALID_ARGUMENT')).toBe(true);
    expect((outside as Error).message).toBe(
      'The box must lie inside the photo: x + w and y + h at most 1, but received x=0.8 w=0.3 y=0.1 h=0.2.',
    );
    const small = await api['detections.addBox']({
      mediaId: frameId,
      box: { x: 0.5, y: 0.5, w: 0.01, h: 0.2 },
    }).catch((e: unknown) => e);
    expect(isEngineError(small, 'INVALID_ARGUMENT')).toBe(true);
    expect((small as Error).message).toBe('The box is 10 × 150 px; it must be at least 16 px on each side.');
    const missing = await api['detections.addBox']({ mediaId: 9999, box: tiger }).catch((e: unknown) => e);
    expect(isEngineError(missing, 'NOT_FOUND')).toBe(true);
    const negative = await api['detections.addBox']({
      mediaId: frameId,
      box: { x: -0.1, y: 0, w: 0.5, h: 0.5 },
    }).catch((e: unknown) => e);
    expect((negative as Error).message).toMatch(/^Invalid detections\.addBox: box\.x: /);

    const again = await api['detections.addBox']({ mediaId: frameId, box: tiger });
    const id = again.detectionId as number;
    const decision = await api['decisions.record']({
      detectionId: id,
      verdict: 'match',
      individualId: known,
    });
    const refused = await api['detections.deleteBox']({ detectionId: id }).catch((e: unknown) => e);
    expect(isEngineError(refused, 'CONFLICT')).toBe(true);
    expect((refused as Error).message).toBe(
      `Box ${id} carries a decision (match to T-0001); undo the decision first, then delete the box.`,
    );
    // Moving a decided box keeps its decision and replaces its features in the searchable gallery: the known
    // tiger's own photo no longer finds its best match in this box once it shows grass.
    const s1 = db()
      .prepare("SELECT d.id FROM detections d JOIN media m ON m.id = d.media_id WHERE m.file_name = 's1.jpg'")
      .pluck()
      .get() as number;
    expect(scoreOf(await api['review.candidates']({ detectionId: s1 }), known)).toBeGreaterThan(0.8);
    await api['detections.updateBox']({ detectionId: id, box: { x: 0.05, y: 0.1, w: tiger.w, h: tiger.h } });
    expect(
      db()
        .prepare('SELECT COUNT(*) FROM decisions WHERE detection_id = ? AND undone_at IS NULL')
        .pluck()
        .get(id),
    ).toBe(1);
    expect(scoreOf(await api['review.candidates']({ detectionId: s1 }), known)).toBeLessThan(0.3);
    await api['decisions.undo']({ decisionId: decision.decisionId });
    const deleted = await api['detections.deleteBox']({ detectionId: id });
    expect(deleted.removed).toHaveLength(1);
    expect(db().prepare('SELECT COUNT(*) FROM decisions WHERE detection_id = ?').pluck().get(id)).toBe(0);
  });

  it('deletes a box whose undone decision headed an encounter batch: the rest of the batch still undoes as one', async () => {
    const one = (
      await api['detections.addBox']({ mediaId: frameId, box: { x: 0.05, y: 0.1, w: 0.2, h: 0.2 } })
    ).detectionId as number;
    const two = (
      await api['detections.addBox']({ mediaId: frameId, box: { x: 0.3, y: 0.1, w: 0.2, h: 0.2 } })
    ).detectionId as number;
    const ctx = engine.core;
    // As decideEncounter records a batch: the first decision's id is the batch id of all, its own included.
    const head = recordDecision(ctx, { detectionId: one, verdict: 'cant-tell', reviewer: 'box-test' });
    ctx.db.prepare('UPDATE decisions SET batch_id = id WHERE id = ?').run(head.id);
    const member = recordDecision(ctx, {
      detectionId: two,
      verdict: 'cant-tell',
      reviewer: 'box-test',
      batchId: head.id,
    });
    expect(undoDecision(ctx, head.id, 'box-test').batchSize).toBe(2);
    await api['detections.deleteBox']({ detectionId: one });
    expect(db().prepare('SELECT batch_id FROM decisions WHERE id = ?').pluck().get(member.id)).toBe(
      member.id,
    );
  });
});
