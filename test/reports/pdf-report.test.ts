import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEngineError } from '../../electron/core/errors';
import { InvalidArgument } from '../../electron/core/validate';
import { recordDecision, undoDecision } from '../../electron/core/gallery/decisions';
import { createIndividual } from '../../electron/core/gallery/individuals';
import {
  writeMatchReport,
  type MatchReportSummary,
} from '../../electron/core/reports/pdf/write-match-report';
import {
  CAMTRAP_EXAMPLE_SKIP_REASON,
  HAS_CAMTRAP_EXAMPLE,
  camtrapExamplePhotos,
  importStations,
  type SightingGallery,
} from '../support/sighting-gallery';
import { tempCore } from '../support/temp-core';

/**
 * Match reports on a real gallery (the Camtrap DP example's camera-trap JPEGs, imported through the real import
 * path), read back the way a recipient would: poppler's pdftotext, pdfimages, pdfinfo, pdfdetach and pdftoppm.
 */

const HAS_POPPLER = spawnSync('pdfinfo', ['-v']).error === undefined;
const SKIP = !HAS_CAMTRAP_EXAMPLE || !HAS_POPPLER;
const SKIP_REASON = !HAS_CAMTRAP_EXAMPLE
  ? CAMTRAP_EXAMPLE_SKIP_REASON
  : 'skipped: poppler-utils (pdfinfo, pdftotext, pdfimages, pdftoppm, pdfdetach) is not installed';
const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts', 'reports');

const GENERATED_AT = new Date('2024-06-01T08:00:00Z');
const APP_VERSION = '9.9.9-test';
const MODEL_VERSIONS = {
  'stripes-v1': createHash('sha256').update('stripe matcher model file').digest('hex'),
  'megadescriptor-l-384': createHash('sha256').update('megadescriptor model file').digest('hex'),
};
const NOTES = 'Forked stripe above the hind leg matches T-0001.';

/** An independent canonical JSON (RFC 8785 for plain data): keys sorted by UTF-16 code units, no whitespace. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** Page texts in reading order (pdftotext separates pages with form feeds). */
function pageTexts(file: string): string[] {
  return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).split('\f').slice(0, -1);
}

const flat = (text: string) => text.replace(/\s+/g, ' ');

/** One page laid out as printed, so table rows stay on one line. */
function layoutText(file: string, page: number): string {
  return execFileSync('pdftotext', ['-layout', '-f', String(page), '-l', String(page), file, '-'], {
    encoding: 'utf8',
  });
}

function pageCount(file: string): number {
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  return Number(/^Pages:\s+(\d+)$/m.exec(info)?.[1]);
}

interface ListedImage {
  page: number;
  width: number;
  height: number;
  objectId: number;
  ppi: number;
}

/** Every image drawn, per page (an image drawn on three pages is listed three times with one object id). */
function listImages(file: string): ListedImage[] {
  return execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' })
    .split('\n')
    .slice(2)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const f = line.trim().split(/\s+/);
      return {
        page: Number(f[0]),
        width: Number(f[3]),
        height: Number(f[4]),
        objectId: Number(f[10]),
        ppi: Number(f[12]),
      };
    });
}

/** The attached report-content.json, as a recipient extracts it. */
function attachedContent(file: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'tigerid-detach-'));
  try {
    const listing = execFileSync('pdfdetach', ['-list', file], { encoding: 'utf8' });
    expect(listing).toContain('report-content.json');
    execFileSync('pdfdetach', ['-saveall', '-o', dir, file]);
    return readFileSync(join(dir, 'report-content.json'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Renders every page at 60 dpi into test-artifacts/reports/<name>-<page>.png and returns the files. */
function renderPages(file: string, name: string): string[] {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const old of readdirSync(ARTIFACTS).filter((f) => f.startsWith(`${name}-`)))
    rmSync(join(ARTIFACTS, old));
  execFileSync('pdftoppm', ['-r', '60', '-png', file, join(ARTIFACTS, name)]);
  return readdirSync(ARTIFACTS)
    .filter((f) => f.startsWith(`${name}-`) && f.endsWith('.png'))
    .sort()
    .map((f) => join(ARTIFACTS, f));
}

/** The seal printed on page 1, under its heading. */
function printedSeal(firstPage: string): string | undefined {
  return /Content seal: SHA-256 of everything this report states\s+([0-9a-f]{64})/.exec(firstPage)?.[1];
}

describe.skipIf(SKIP)(`PDF match reports (${SKIP ? SKIP_REASON : 'real photos, poppler'})`, () => {
  let core: ReturnType<typeof tempCore>;
  let root: string;
  let out: string;
  let gallery: SightingGallery;
  let matchDecision: number;
  let undoneDecision: number;
  const photos = HAS_CAMTRAP_EXAMPLE ? camtrapExamplePhotos() : [];
  const det = (i: number) => gallery.detections[i]!;

  beforeAll(async () => {
    // Every call moves the clock a minute on, so the decision trail has distinct, ordered times.
    let minute = 0;
    core = tempCore(() => new Date(Date.UTC(2024, 4, 1, 9, minute++)));
    root = mkdtempSync(join(tmpdir(), 'tigerid-pdf-photos-'));
    out = mkdtempSync(join(tmpdir(), 'tigerid-pdf-out-'));
    gallery = await importStations(core, root, [
      { station: 'North ridge A1', files: photos.slice(0, 5) },
      { station: 'River crossing B2', files: photos.slice(5, 10) },
    ]);
    // No API sets station coordinates yet (a deployments import will); the report prints them as GPS.
    core.db
      .prepare(`UPDATE stations SET latitude = 21.5, longitude = 80.1 WHERE name = 'North ridge A1'`)
      .run();
    // A detector's box around the heron in the second frame, as MegaDetector would store it.
    core.db
      .prepare(
        `UPDATE detections SET box_x = 0.42, box_y = 0.5, box_w = 0.35, box_h = 0.42, detector = 'megadetector-v5a',
                confidence = 0.91 WHERE id = ?`,
      )
      .run(det(1).detectionId);

    const decide = (detection: number, extra: Partial<Parameters<typeof recordDecision>[1]>) =>
      recordDecision(core, { detectionId: detection, verdict: 'match', reviewer: 'Asha Rao', ...extra });
    decide(det(0).detectionId, { verdict: 'new-individual' }); // T-0001
    decide(det(5).detectionId, { verdict: 'new-individual' }); // T-0002
    const candidates = [
      {
        individualId: 1,
        code: 'T-0001',
        score: 0.873,
        scores: { 'stripes-v1': 0.81, 'megadescriptor-l-384': 0.9 },
        bestDetectionId: det(0).detectionId,
      },
      {
        individualId: 2,
        code: 'T-0002',
        score: 0.412,
        scores: { 'stripes-v1': 0.38, 'megadescriptor-l-384': 0.44 },
        bestDetectionId: det(5).detectionId,
      },
    ];
    undoneDecision = decide(det(1).detectionId, { individual: 'T-0002', notes: 'first look' }).id;
    undoDecision(core, undoneDecision, 'Vikram Singh');
    matchDecision = decide(det(1).detectionId, {
      individual: 'T-0001',
      notes: NOTES,
      scores: { fused: 0.873, 'stripes-v1': 0.81, 'megadescriptor-l-384': 0.9, threshold: 0.7 },
      modelVersions: MODEL_VERSIONS,
      candidates,
    }).id;
    decide(det(3).detectionId, {
      individual: 'T-0001',
      scores: { fused: 0.8 },
      modelVersions: MODEL_VERSIONS,
      candidates,
    });
    // A decision from before candidates were kept: no candidates, no scores, no model versions.
    decide(det(6).detectionId, { individual: 'T-0002' });
  });

  afterAll(() => {
    core?.cleanup();
    for (const dir of [root, out]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const write = (scope: Parameters<typeof writeMatchReport>[1], file: string, overwrite = false) =>
    writeMatchReport(core, scope, join(out, file), {
      appVersion: APP_VERSION,
      reviewerOfRecord: 'Dr. Meera Iyer',
      now: GENERATED_AT,
      overwrite,
    });

  /** The checks every report passes: page count, footers, seal = SHA-256 of the canonical attachment = metadata. */
  function checkSealedReport(
    summary: MatchReportSummary,
    expectedPages: number,
  ): { texts: string[]; content: Record<string, unknown> } {
    expect(summary.pages).toBe(expectedPages);
    expect(pageCount(summary.file)).toBe(expectedPages);
    const texts = pageTexts(summary.file);
    expect(texts).toHaveLength(expectedPages);
    texts.forEach((text, i) => {
      expect(text).toContain(`Page ${i + 1} of ${expectedPages}`);
      expect(text).toContain(`report id ${summary.sha256.slice(0, 16)}`);
    });

    const attachment = attachedContent(summary.file);
    const parsed = JSON.parse(attachment.toString('utf8')) as Record<string, unknown>;
    // The attachment is already canonical: re-canonicalising it independently gives the same bytes.
    expect(canonical(parsed)).toBe(attachment.toString('utf8'));
    const recomputed = sha256(attachment);
    expect(printedSeal(texts[0]!)).toBe(recomputed);
    expect(summary.sha256).toBe(recomputed);

    const info = execFileSync('pdfinfo', ['-custom', summary.file], { encoding: 'utf8' });
    expect(info).toMatch(new RegExp(`^Keywords:.*content-sha256=${recomputed}`, 'm'));
    expect(info).toMatch(new RegExp(`^TigerIDContentSHA256:\\s*${recomputed}$`, 'm'));
    expect(info).toMatch(/^Author:\s+Dr\. Meera Iyer$/m);
    return { texts, content: parsed };
  }

  it('a decision report: cover + one page with the photo, candidates, scores, trail and model hashes', async () => {
    const summary = await write({ decisionId: matchDecision }, 'decision.pdf');
    expect(summary.sightings).toBe(1);
    const { texts, content } = checkSealedReport(summary, 2);

    const cover = flat(texts[0]!);
    expect(cover).toContain(`Match report: decision ${matchDecision}`);
    expect(cover).toContain('2024-06-01 08:00:00 UTC');
    expect(cover).toContain(`Tiger ID ${APP_VERSION}`);
    expect(cover).toContain('Dr. Meera Iyer');
    expect(cover).toContain(core.paths.root);

    const page = flat(texts[1]!);
    expect(page).toContain('T-0001: match confirmed');
    expect(page).toContain(NOTES);
    expect(page).toContain('North ridge A1');
    expect(page).toContain('2021-04-11 20:43:10 (camera clock, time zone not recorded)');
    expect(page).toContain('21.50000, 80.10000');
    expect(page).toContain('megadetector-v5a, confidence 0.910');
    expect(page).toContain(sha256(readFileSync(photos[1]!)));
    for (const hash of Object.values(MODEL_VERSIONS)) expect(page).toContain(hash);
    // The trail: the undone match to T-0002 with who undid it, then the decision in force.
    expect(page).toContain('first look');
    expect(page).toMatch(/undone 2024-05-01 09:\d\d:00 UTC by Vikram Singh/);
    expect(page).toContain('in force');
    // Both candidates with their fused and per-model scores (columns sorted by model id), as table rows.
    const table = layoutText(summary.file, 2);
    expect(table).toMatch(/#1\s+T-0001\s+0\.873\s+0\.900\s+0\.810\s+chosen/);
    expect(table).toMatch(/#2\s+T-0002\s+0\.412\s+0\.440\s+0\.380\s*$/m);

    // What the seal covers says what the page says.
    const [sighting] = content.sightings as Record<string, unknown>[];
    expect(sighting).toMatchObject({
      decisionId: matchDecision,
      individualCode: 'T-0001',
      reviewer: 'Asha Rao',
      notes: NOTES,
      stationName: 'North ridge A1',
      modelVersions: MODEL_VERSIONS,
    });
    expect((sighting!.trail as { undoneBy: string | null }[]).map((t) => t.undoneBy)).toEqual([
      'Vikram Singh',
      null,
    ]);
    expect(
      (sighting!.candidates as { code: string; chosen: boolean }[]).map((c) => [c.code, c.chosen]),
    ).toEqual([
      ['T-0001', true],
      ['T-0002', false],
    ]);
    // Each photo shown is named by the SHA-256 of its original file, verified when the report was drawn.
    expect(content.photos).toEqual(
      [0, 1, 5].map((i) =>
        expect.objectContaining({
          detectionId: det(i).detectionId,
          mediaSha256: sha256(readFileSync(photos[i]!)),
          check: { status: 'verified' },
        }),
      ),
    );

    // Four pictures on the sighting page: the frame (1200 px) and three crops, all at print resolution.
    const images = listImages(summary.file);
    expect(images.map((i) => i.page)).toEqual([2, 2, 2, 2]);
    expect(images.filter((i) => i.width === 1200)).toHaveLength(1);
    for (const image of images) {
      expect(Math.max(image.width, image.height)).toBeGreaterThanOrEqual(600);
      expect(image.ppi).toBeGreaterThanOrEqual(150);
    }

    const pngs = renderPages(summary.file, 'decision');
    expect(pngs).toHaveLength(2);
    // The photo area (left of the facts, under the band) shows the photo with the red box drawn over it: the
    // infrared frame is grey, so saturated red pixels can only be the box.
    const { data, info } = await sharp(pngs[1]!)
      .extract({ left: 45, top: 80, width: 240, height: 165 })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    let red = 0;
    let sum = 0;
    let sumSq = 0;
    for (let p = 0; p < info.width * info.height; p++) {
      const [r, g, b] = [data[p * 3]!, data[p * 3 + 1]!, data[p * 3 + 2]!];
      if (r > 170 && g < 110 && b < 110) red++;
      sum += g;
      sumSq += g * g;
    }
    const n = info.width * info.height;
    expect(Math.sqrt(sumSq / n - (sum / n) ** 2)).toBeGreaterThan(15);
    expect(red).toBeGreaterThan(100);
  });

  it('an individual report: a summary of the tiger, then each of its sightings', async () => {
    const summary = await write({ individualId: 1 }, 'individual.pdf');
    expect(summary.sightings).toBe(3);
    const { texts, content } = checkSealedReport(summary, 4);

    const cover = flat(texts[0]!);
    expect(cover).toContain('Individual report: T-0001');
    expect(cover).toMatch(/First seen 2021-04-11 20:43:09/);
    expect(cover).toMatch(/Last seen 2021-04-11 20:43:11/);
    expect(cover).toMatch(/Flanks seen unknown/);
    expect(cover).toMatch(/Sightings 3/);
    expect(cover).toContain('North ridge A1');
    expect(content.individual).toMatchObject({
      code: 'T-0001',
      sightings: 3,
      firstSeen: '2021-04-11T20:43:09',
      lastSeen: '2021-04-11T20:43:11',
      stations: [{ stationName: 'North ridge A1', sightings: 3 }],
      flanks: ['unknown'],
    });
    // Sightings in capture order; the first one (a new individual) was decided with no candidates.
    expect(texts.slice(1).map((t) => /Decision (\d+) \| detection (\d+)/.exec(t)?.[2])).toEqual(
      [0, 1, 3].map((i) => String(det(i).detectionId)),
    );
    expect(flat(texts[1]!)).toContain('T-0001: recorded as a new individual');
    expect(flat(texts[1]!)).toContain('No candidates were recorded with this decision');
    expect(flat(texts[1]!)).toContain('No model versions were recorded with this decision');

    // Seven distinct pictures (three frames, four crops), the shared candidate crops embedded once each.
    const images = listImages(summary.file);
    expect(new Set(images.map((i) => i.objectId)).size).toBe(7);
    expect(images).toHaveLength(2 + 4 + 4);
    for (const image of images) expect(Math.max(image.width, image.height)).toBeGreaterThanOrEqual(600);
    expect(renderPages(summary.file, 'individual')).toHaveLength(4);
  });

  it('a range report: a summary by individual and station, then the sightings', async () => {
    const stationA = core.db
      .prepare(`SELECT id FROM stations WHERE name = 'North ridge A1'`)
      .pluck()
      .get() as number;
    const atStation = await write(
      { from: '2021-04-11', to: '2021-04-11', stationId: stationA },
      'station.pdf',
    );
    expect(atStation.sightings).toBe(3);
    const station = checkSealedReport(atStation, 4);
    expect(flat(station.texts[0]!)).toContain(
      'Sightings captured 2021-04-11 to 2021-04-11 at station North ridge A1',
    );
    expect(station.content.summary).toEqual([
      expect.objectContaining({ code: 'T-0001', stationName: 'North ridge A1', sightings: 3 }),
    ]);

    const all = await write({ from: '2021-04-01', to: '2021-04-30' }, 'range.pdf');
    expect(all.sightings).toBe(5);
    const range = checkSealedReport(all, 6);
    const cover = execFileSync('pdftotext', ['-layout', '-f', '1', '-l', '1', all.file, '-'], {
      encoding: 'utf8',
    });
    expect(cover).toMatch(/T-0001\s+North ridge A1\s+3\s+2021-04-11 20:43:09\s+2021-04-11 20:43:11/);
    expect(cover).toMatch(/T-0002\s+River crossing B2\s+2\s+2021-04-11 20:43:12\s+2021-04-11 20:43:13/);
    expect(flat(range.texts[0]!)).toContain('5 sightings of 2 individuals at 2 stations');
    // The older decision without candidates says so on its page.
    expect(flat(range.texts[5]!)).toContain('No candidates were recorded with this decision');
    renderPages(all.file, 'range');
  });

  it('shows "image file missing" or "changed" in place of a picture and still writes the report', async () => {
    const missing = det(5).file;
    const changed = det(0).file;
    const original = readFileSync(changed);
    rmSync(missing);
    const tampered = Buffer.from(original);
    tampered[tampered.length - 100] = tampered[tampered.length - 100]! ^ 0xff;
    writeFileSync(changed, tampered);
    try {
      const summary = await write({ decisionId: matchDecision }, 'missing.pdf');
      renderPages(summary.file, 'missing-images');
      // The two problem lines under the pictures push the last table over: it moves whole to a third page,
      // under a line naming the sighting it continues.
      const { texts, content } = checkSealedReport(summary, 3);
      expect(flat(texts[2]!)).toMatch(
        /^Sighting 1 of 1, continued: T-0001, decision \d+ Models behind the scores/,
      );
      const page = flat(layoutText(summary.file, 2));
      expect(page).toContain(`#2 T-0002: image file missing: ${missing}`);
      expect(page).toContain(
        `#1 T-0001: image file changed since import: ${changed} (SHA-256 now ${sha256(tampered)}, recorded ${sha256(original)})`,
      );
      expect(content.photos).toEqual([
        expect.objectContaining({
          detectionId: det(0).detectionId,
          check: { status: 'changed', actualSha256: sha256(tampered) },
        }),
        expect.objectContaining({ detectionId: det(1).detectionId, check: { status: 'verified' } }),
        expect.objectContaining({ detectionId: det(5).detectionId, check: { status: 'missing' } }),
      ]);
      // Only the sighting's own frame and crop are embedded; the two candidates' pictures are not shown.
      expect(listImages(summary.file)).toHaveLength(2);
    } finally {
      copyFileSync(photos[5]!, missing);
      writeFileSync(changed, original);
    }
  });

  it('wraps long notes and flows them over pages, never past the margins, losing nothing', async () => {
    // As long as a decision's notes may be (5,000 characters), numbered so a lost line would show.
    const marks = (prefix: string, n: number) =>
      Array.from(
        { length: n },
        (_, i) => `${prefix} ${String(i + 1).padStart(3, '0')}: the stripes agree.`,
      ).join(' ');
    const longNotes = marks('Mark', 140);
    const earlier = `${marks('Doubt', 40)} ${'x'.repeat(400)}`;
    expect(longNotes.length).toBeLessThanOrEqual(5000);
    const undone = recordDecision(core, {
      detectionId: det(4).detectionId,
      verdict: 'match',
      individual: 'T-0002',
      reviewer: 'Asha Rao',
      notes: earlier,
    });
    undoDecision(core, undone.id, 'Vikram Singh');
    const decision = recordDecision(core, {
      detectionId: det(4).detectionId,
      verdict: 'match',
      individual: 'T-0001',
      reviewer: 'Asha Rao',
      notes: longNotes,
    });
    const summary = await write({ decisionId: decision.id }, 'long-notes.pdf');
    renderPages(summary.file, 'long-notes');
    const { texts } = checkSealedReport(summary, summary.pages);
    expect(summary.pages).toBeGreaterThanOrEqual(3);
    const all = flat(texts.join(' '));
    // Each numbered sentence starts on a page (a page break may fall inside one).
    for (let i = 1; i <= 140; i++) expect(all).toContain(`Mark ${String(i).padStart(3, '0')}:`);
    for (let i = 1; i <= 40; i++) expect(all).toContain(`Doubt ${String(i).padStart(3, '0')}:`);
    expect(all).toContain('Mark 140: the stripes agree.');
    expect(all.replace(/\s+/g, '')).toContain('x'.repeat(400));
    expect(all).toContain(`Notes of decision ${undone.id}:`);
    // Every word lies inside the margins (A4: 595 x 842 pt, 50 pt left/right, body ends 54 pt above the bottom)
    // or on the footer line below them.
    const bbox = execFileSync('pdftotext', ['-bbox', summary.file, '-'], { encoding: 'utf8' });
    const words = [
      ...bbox.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">/g),
    ];
    expect(words.length).toBeGreaterThan(1000);
    for (const [, xMin, yMin, xMax, yMax] of words) {
      expect(Number(xMin)).toBeGreaterThanOrEqual(49);
      expect(Number(xMax)).toBeLessThanOrEqual(595.28 - 49);
      const body = Number(yMax) <= 841.89 - 54 + 1;
      const footer = Number(yMin) >= 841.89 - 54 + 12 && Number(yMax) <= 841.89 - 15;
      expect(body || footer, `word at y ${yMin}..${yMax}`).toBe(true);
    }
  });

  it('refuses to replace an existing file unless told to', async () => {
    const first = await write({ decisionId: matchDecision }, 'again.pdf');
    const before = readFileSync(first.file);
    await expect(write({ decisionId: matchDecision }, 'again.pdf')).rejects.toSatisfy((e: unknown) =>
      isEngineError(e, 'OUTPUT_EXISTS'),
    );
    expect(readFileSync(first.file).equals(before)).toBe(true);
    const second = await write({ decisionId: matchDecision }, 'again.pdf', true);
    expect(second.sha256).toBe(first.sha256);
    expect(statSync(second.file).size).toBeGreaterThan(0);
  });

  it('refuses a range that ends before it starts, and a malformed scope', async () => {
    const file = join(out, 'bad.pdf');
    const backwards = await writeMatchReport(core, { from: '2021-05-01', to: '2021-04-01' }, file, {
      appVersion: APP_VERSION,
    }).catch((e: unknown) => e);
    expect(isEngineError(backwards, 'INVALID_ARGUMENT')).toBe(true);
    expect((backwards as Error).message).toBe('The range starts (2021-05-01) after it ends (2021-04-01).');
    const malformed = await writeMatchReport(core, { from: '11/04/2021' }, file, {
      appVersion: APP_VERSION,
    }).catch((e: unknown) => e);
    expect(malformed).toBeInstanceOf(InvalidArgument);
    expect((malformed as Error).message).toContain('must be an ISO date such as 2024-03-01');
    expect(existsSync(file)).toBe(false);
  });

  it('writes nothing and says NOT_FOUND when the scope holds no sighting', async () => {
    const cases: [Parameters<typeof writeMatchReport>[1], RegExp][] = [
      [{ from: '2030-01-01', to: '2030-12-31' }, /No sightings captured 2030-01-01 to 2030-12-31/],
      [
        { decisionId: undoneDecision },
        new RegExp(`Decision ${undoneDecision} is not a sighting in force \\(it was undone`),
      ],
      [{ individualId: createIndividual(core, { name: 'Unseen' }) }, /T-0003 has no sightings/],
      [{ decisionId: 9999 }, /No decision 9999/],
    ];
    for (const [scope, message] of cases) {
      const file = join(out, 'empty.pdf');
      const error = await writeMatchReport(core, scope, file, { appVersion: APP_VERSION }).catch(
        (e: unknown) => e,
      );
      expect(isEngineError(error, 'NOT_FOUND'), String(error)).toBe(true);
      expect((error as Error).message).toMatch(message);
      expect(existsSync(file)).toBe(false);
    }
  });
});
