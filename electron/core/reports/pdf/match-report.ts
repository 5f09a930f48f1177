import PDFDocument from 'pdfkit';
import type { CoreContext } from '../../context';
import { WHOLE_FRAME_DETECTOR } from '../../inference/detector';
import type { ProgressListener } from '../../progress';
import { sealContent, type ContentSeal } from './content-seal';
import { EvidencePictures, type EvidencePicture } from './images';
import {
  CONTENT_WIDTH,
  COLOR,
  FONT,
  Flow,
  MARGIN,
  PAGE,
  SIZE,
  drawInBottomMargin,
  hasUndrawable,
  printable,
  type Cell,
  type Column,
  type PictureSlot,
  type Tile,
} from './layout';
import {
  CANDIDATE_PICTURES,
  rangeText,
  reportContent,
  type PhotoRecord,
  type ReportData,
  type SightingEvidence,
} from './report-data';
import {
  VERDICT_LABEL,
  formatCaptured,
  formatCapturedShort,
  formatDecisionScores,
  formatDetector,
  formatGps,
  formatInstant,
  formatScore,
  photoProblem,
} from './wording';
import { plural } from '../../wording';

/** Draws a match report with PDFKit: a cover page (scope, provenance, seal, summary), then one section per sighting. */

export interface RenderedReport {
  pdf: Buffer;
  pages: number;
  seal: ContentSeal;
}

export const CONTENT_ATTACHMENT = 'report-content.json';
/** Custom document-information key holding the seal, beside the standard Keywords entry. */
export const SEAL_INFO_KEY = 'TigerIDContentSHA256';

const PHOTO_AREA = { width: 300, height: 204 };
/** Notes longer than this would make a trail row too tall for a page; they follow the table in full instead. */
const LONG_NOTE = 240;
const SIDE_GAP = 14;
/** Room for the seal, its explanation and the note on undrawable characters, reserved before the seal is known. */
const SEAL_BOX_HEIGHT = 118;

export async function renderMatchReport(
  ctx: CoreContext,
  data: ReportData,
  onProgress?: ProgressListener,
): Promise<RenderedReport> {
  const generatedAt = new Date(data.generatedAt);
  const doc = new PDFDocument({
    size: PAGE.size,
    margins: MARGIN,
    bufferPages: true,
    autoFirstPage: false,
    pdfVersion: '1.7',
    lang: 'en',
    displayTitle: true,
    info: {
      Title: title(data),
      Subject: scopeLine(data),
      Creator: `Tiger ID ${data.appVersion}`,
      CreationDate: generatedAt,
      ModDate: generatedAt,
      ...(data.reviewerOfRecord === null ? {} : { Author: data.reviewerOfRecord }),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });

  const flow = new Flow(doc);
  flow.newPage();
  const sealAt = drawCover(flow, data);
  const pictures = new EvidencePictures(ctx, data.cropPadding);
  const photos = new Map(data.photos.map((p) => [p.detectionId, p]));
  for (const [index, sighting] of data.sightings.entries()) {
    await drawSighting(flow, data, sighting, index, photos, pictures);
    onProgress?.({ phase: 'report', done: index + 1, total: data.sightings.length, unit: 'sightings' });
  }

  const seal = sealContent(reportContent(data, pictures.results()));
  doc.switchToPage(0);
  drawSeal(flow, sealAt, seal);
  const pages = doc.bufferedPageRange().count;
  drawFooters(doc, data, seal, pages);
  doc.info.Keywords = `tigerid match report; content-sha256=${seal.sha256}`;
  Object.assign(doc.info, { [SEAL_INFO_KEY]: seal.sha256 });
  doc.file(Buffer.from(seal.json, 'utf8'), {
    name: CONTENT_ATTACHMENT,
    type: 'application/json',
    description: `Everything this report states, as canonical JSON (RFC 8785); its SHA-256 is ${seal.sha256}`,
    creationDate: generatedAt,
    modifiedDate: generatedAt,
  });
  doc.end();
  await ended;
  return { pdf: Buffer.concat(chunks), pages, seal };
}

function title(data: ReportData): string {
  switch (data.scope.kind) {
    case 'decision':
      return `Match report: decision ${data.scope.decisionId}`;
    case 'individual':
      return `Individual report: ${individualLabel(data.scope.code, data.scope.name)}`;
    case 'range':
      return 'Sightings report';
  }
}

function scopeLine(data: ReportData): string {
  switch (data.scope.kind) {
    case 'decision': {
      const s = data.sightings[0] as SightingEvidence;
      return `Decision ${data.scope.decisionId}: detection ${s.detectionId} assigned to ${individualLabel(s.individualCode, s.individualName)}`;
    }
    case 'individual':
      return `Every standing sighting of ${individualLabel(data.scope.code, data.scope.name)} (individual id ${data.scope.individualId})`;
    case 'range':
      return `Sightings ${rangeText(data.scope)}`;
  }
}

function individualLabel(code: string, name: string | null): string {
  return name === null ? code : `${code} "${name}"`;
}

/** The cover: what, when, by whom, from which gallery, the seal's place, and the summary. Returns the seal's y. */
function drawCover(flow: Flow, data: ReportData): number {
  flow.textAt('TIGER ID', MARGIN.left, flow.y, CONTENT_WIDTH, {
    font: FONT.bold,
    size: SIZE.small,
    color: COLOR.muted,
  });
  flow.gap(12);
  flow.y += flow.textAt(title(data), MARGIN.left, flow.y, CONTENT_WIDTH, {
    font: FONT.bold,
    size: SIZE.title,
  });
  flow.gap(2);
  flow.y += flow.textAt(scopeLine(data), MARGIN.left, flow.y, CONTENT_WIDTH, {
    size: SIZE.subtitle,
    color: COLOR.muted,
  });
  flow.gap(8);
  flow.rule(MARGIN.left, flow.y, CONTENT_WIDTH, COLOR.text);
  flow.gap(10);

  const { gallery } = data;
  flow.facts([
    ['Report type', reportType(data)],
    ['Scope', scopeLine(data)],
    ['Generated at', formatInstant(data.generatedAt)],
    ['Generated by', `Tiger ID ${data.appVersion}`],
    ['Reviewer of record', data.reviewerOfRecord ?? 'not stated'],
    [
      'Gallery',
      `${gallery.folder}\n${plural(gallery.individuals, 'individual')}, ${plural(gallery.photos, 'photo')}, ${plural(gallery.sightings, 'sighting')} when generated`,
    ],
    ['Sightings in this report', String(data.sightings.length)],
    [
      'Crops',
      `detection box plus ${Math.round(data.cropPadding * 100)} % on each side, as the reviewer saw them`,
    ],
  ]);
  flow.gap(10);
  const sealAt = flow.y;
  flow.gap(SEAL_BOX_HEIGHT + 14);

  if (data.individual) drawIndividualSummary(flow, data.individual);
  else if (data.scope.kind === 'range') drawRangeSummary(flow, data);
  flow.sectionTitle('How to read this report', 40);
  flow.paragraph(
    'Each sighting starts on a new page: the photo with the detection box drawn in red (the photo itself is not ' +
      "altered), where and when it was taken, and the reviewer's verdict; the candidates the reviewer was shown, " +
      'best first, with their fused and per-model similarity scores (higher is more similar); the decision trail ' +
      'of the detection, undone decisions included; and the model files behind the scores. Every photo file was ' +
      'read again for this report and checked against the SHA-256 recorded when it was imported. Pictures are ' +
      'embedded at full resolution: zoom in to compare stripes.',
    { color: COLOR.muted },
  );
  if (data.scope.kind !== 'decision') drawSightingIndex(flow, data);
  return sealAt;
}

/** One line per sighting, numbered as the sighting pages are. */
function drawSightingIndex(flow: Flow, data: ReportData): void {
  const columns: Column[] = [
    { header: 'No.', width: 26 },
    { header: 'Individual', width: 56 },
    { header: 'Captured (camera clock)', width: 96 },
    { header: 'Station', width: 110 },
    { header: 'Flank', width: 40 },
    { header: 'Decision', width: 44 },
    { header: 'Reviewer', width: CONTENT_WIDTH - 372 },
  ];
  const rows = data.sightings.map((s, i): Cell[] => [
    String(i + 1),
    { text: s.individualCode, bold: true },
    formatCapturedShort(s.capturedAt),
    s.stationName ?? '(no station)',
    s.flank,
    String(s.decisionId),
    s.reviewer,
  ]);
  flow.gap(14);
  flow.sectionTitle('Sightings in this report', flow.tableStart(columns, rows));
  flow.table(columns, rows);
}

function reportType(data: ReportData): string {
  switch (data.scope.kind) {
    case 'decision':
      return 'Match report: one decision and its evidence';
    case 'individual':
      return 'Individual report: every standing sighting of one tiger';
    case 'range':
      return 'Sightings report: every standing sighting in a date range and/or at a station';
  }
}

function drawSeal(flow: Flow, y: number, seal: ContentSeal): void {
  const { doc } = flow;
  const x = MARGIN.left;
  doc.save().rect(x, y, CONTENT_WIDTH, SEAL_BOX_HEIGHT).fill(COLOR.band).restore();
  doc.save().rect(x, y, 3, SEAL_BOX_HEIGHT).fill(COLOR.text).restore();
  const inner = CONTENT_WIDTH - 24;
  const small = { size: SIZE.small, color: COLOR.muted };
  let cy = y + 8;
  cy += flow.textAt('Content seal: SHA-256 of everything this report states', x + 14, cy, inner, {
    font: FONT.bold,
    size: SIZE.section,
  });
  cy += 3;
  cy += flow.textAt(seal.sha256, x + 14, cy, inner, { font: FONT.mono, size: 10.5 });
  cy += 3;
  cy += flow.textAt(
    `Report id ${seal.reportId} (the seal's first 16 digits, printed on every page)`,
    x + 14,
    cy,
    inner,
    small,
  );
  cy += 4;
  cy += flow.textAt(
    `The seal is the SHA-256 of the canonical JSON (RFC 8785) of this report's content, attached to this PDF as ` +
      `${CONTENT_ATTACHMENT}: every fact printed here, including the SHA-256 of each photo file and whether the ` +
      `file still matched it. To verify, extract the attachment (e.g. "pdfdetach -saveall"), compute its SHA-256, ` +
      'compare it with the seal, and check that it says what these pages say. The seal covers the content, not the ' +
      'bytes of this PDF file (no file can contain the hash of its own bytes).',
    x + 14,
    cy,
    inner,
    small,
  );
  if (hasUndrawable(seal.json)) {
    cy += 2;
    flow.textAt(
      "Some names or notes use characters this PDF's font cannot draw; they are printed as code points such as " +
        `[U+0905 U+0928]. ${CONTENT_ATTACHMENT} holds the exact text.`,
      x + 14,
      cy,
      inner,
      { ...small, font: FONT.bold },
    );
  }
}

function drawIndividualSummary(flow: Flow, individual: NonNullable<ReportData['individual']>): void {
  flow.sectionTitle(`Individual ${individual.code}`);
  flow.facts([
    ['Code', { text: individual.code, bold: true }],
    ['Name', individual.name ?? 'none given'],
    ...(individual.notes === null ? [] : ([['Notes', individual.notes]] as [string, Cell][])),
    ['Sightings', String(individual.sightings)],
    ['First seen', formatCapturedShort(individual.firstSeen)],
    ['Last seen', formatCapturedShort(individual.lastSeen)],
    ['Flanks seen', individual.flanks.join(', ')],
    ['Stations', plural(individual.stations.length, 'station')],
  ]);
  flow.gap(6);
  flow.table(
    [
      { header: 'Station', width: CONTENT_WIDTH - 80 },
      { header: 'Sightings', width: 80, align: 'right' },
    ],
    individual.stations.map((s) => [s.stationName ?? '(no station)', String(s.sightings)]),
  );
  flow.gap(14);
}

function drawRangeSummary(flow: Flow, data: ReportData): void {
  const individuals = new Set(data.summary.map((r) => r.individualId)).size;
  const stations = new Set(data.summary.map((r) => r.stationName)).size;
  flow.sectionTitle('Summary by individual and station');
  flow.paragraph(
    `${plural(data.sightings.length, 'sighting')} of ${plural(individuals, 'individual')} at ${plural(stations, 'station')}. ` +
      (data.scope.kind === 'range' && (data.scope.from !== null || data.scope.to !== null)
        ? 'Photos without a capture time fall outside any date range and are not included.'
        : ''),
    { color: COLOR.muted },
  );
  flow.gap(4);
  flow.table(
    [
      { header: 'Individual', width: 70 },
      { header: 'Name', width: 90 },
      { header: 'Station', width: 115 },
      { header: 'Sightings', width: 50, align: 'right' },
      { header: 'First seen', width: 85 },
      { header: 'Last seen', width: 85 },
    ],
    data.summary.map((r) => [
      { text: r.code, bold: true },
      r.name ?? '',
      r.stationName ?? '(no station)',
      String(r.sightings),
      formatCapturedShort(r.firstSeen),
      formatCapturedShort(r.lastSeen),
    ]),
  );
  flow.gap(14);
}

async function drawSighting(
  flow: Flow,
  data: ReportData,
  s: SightingEvidence,
  index: number,
  photos: ReadonlyMap<number, PhotoRecord>,
  pictures: EvidencePictures,
): Promise<void> {
  const count = data.sightings.length;
  const who = individualLabel(s.individualCode, s.individualName);
  flow.onNewPage = () => {};
  flow.newPage();
  flow.onNewPage = () => {
    const line = `Sighting ${index + 1} of ${count}, continued: ${who}, decision ${s.decisionId}`;
    flow.textAt(line, MARGIN.left, flow.y, CONTENT_WIDTH, { size: SIZE.small, color: COLOR.muted });
    flow.gap(16);
  };
  drawSightingBand(flow, s, index, count);

  const own = photos.get(s.detectionId);
  const picture = own ? await pictures.load(own, true) : null;
  drawPhotoAndFacts(flow, s, own, picture);
  flow.gap(6);
  flow.facts(
    [
      ['Photo file', s.file],
      ['Photo file SHA-256', { text: s.mediaSha256, mono: true }],
      ["Reviewer's notes", s.notes ?? 'none'],
    ],
    MARGIN.left,
    CONTENT_WIDTH,
    96,
  );
  flow.gap(10);
  await drawCandidates(flow, s, cropSlot(own, picture), photos, pictures);
  flow.gap(10);
  drawTrail(flow, s);
  flow.gap(10);
  drawModels(flow, s);
}

/** This sighting's crop beside the best picture of each top candidate, then every candidate's scores. */
async function drawCandidates(
  flow: Flow,
  s: SightingEvidence,
  ownCrop: PictureSlot,
  photos: ReadonlyMap<number, PhotoRecord>,
  pictures: EvidencePictures,
): Promise<void> {
  const tiles: (Tile & { label: string })[] = [
    {
      label: 'This sighting',
      slot: ownCrop,
      caption: [{ text: 'This sighting', bold: true }, `detection ${s.detectionId}`],
    },
  ];
  for (const c of s.candidates.slice(0, CANDIDATE_PICTURES)) {
    const photo = photos.get(c.bestDetectionId);
    tiles.push({
      label: `#${c.rank} ${c.code}`,
      slot: photo
        ? cropSlot(photo, await pictures.load(photo, false))
        : { problem: `detection ${c.bestDetectionId} is no longer in the gallery` },
      caption: [
        { text: `#${c.rank} ${c.code}`, bold: true },
        `fused ${formatScore(c.score)}`,
        c.chosen
          ? { text: 'chosen by the reviewer', bold: true, color: COLOR.box }
          : `detection ${c.bestDetectionId}`,
      ],
    });
  }
  const columns = CANDIDATE_PICTURES + 1;
  flow.sectionTitle('Candidates shown to the reviewer', flow.tilesHeight(tiles, columns));
  flow.tiles(tiles, columns);
  // A tile is too small for a long path: each problem is repeated in full across the page.
  for (const tile of tiles) {
    if ('problem' in tile.slot) {
      flow.gap(3);
      flow.paragraph(`${tile.label}: ${tile.slot.problem}`, { size: SIZE.small, color: COLOR.problemText });
    }
  }
  flow.gap(8);
  if (s.candidates.length === 0) {
    flow.paragraph(
      'No candidates were recorded with this decision: it was made before Tiger ID kept them, or no comparison ' +
        "was possible when it was made. Only this sighting's own picture is shown.",
      { font: FONT.oblique },
    );
    return;
  }
  const models = [...new Set(s.candidates.flatMap((c) => Object.keys(c.scores)))].sort();
  const fixed = 34 + 110 + 56;
  const modelWidth = Math.min(90, (CONTENT_WIDTH - fixed - 60) / Math.max(1, models.length));
  flow.table(
    [
      { header: 'Rank', width: 34 },
      { header: 'Individual', width: 110 },
      { header: 'Fused score', width: 56, align: 'right' },
      ...models.map((m): Column => ({ header: m, width: modelWidth, align: 'right' })),
      // The last column takes what is left, so the table spans the page like the others.
      { header: 'Chosen', width: CONTENT_WIDTH - fixed - modelWidth * models.length },
    ],
    s.candidates.map((c) => [
      `#${c.rank}`,
      { text: c.code, bold: c.chosen },
      { text: formatScore(c.score), bold: c.chosen },
      ...models.map((m) => formatScore(c.scores[m])),
      c.chosen ? { text: 'chosen', bold: true, color: COLOR.box } : '',
    ]),
  );
  flow.gap(3);
  const threshold = s.scores.threshold;
  flow.paragraph(
    'Similarity scores computed when the reviewer decided (higher is more alike; n/a: no score from that model).' +
      (threshold === undefined ? '' : ` Match threshold at the time: ${formatScore(threshold)}.`),
    { size: SIZE.small, color: COLOR.muted },
  );
}

function drawTrail(flow: Flow, s: SightingEvidence): void {
  const columns: Column[] = [
    { header: 'Decision', width: 40 },
    { header: 'Decided at', width: 96 },
    { header: 'Reviewer', width: 58 },
    { header: 'Verdict', width: 46 },
    { header: 'Individual', width: 48 },
    { header: 'Notes', width: CONTENT_WIDTH - 372 },
    { header: 'Status', width: 84 },
  ];
  const rows = s.trail.map((t): Cell[] => [
    { text: String(t.decisionId), bold: t.inForce },
    formatInstant(t.decidedAt),
    t.reviewer,
    VERDICT_LABEL[t.verdict],
    t.individualCode === null
      ? '-'
      : t.mergedIntoCode === null
        ? t.individualCode
        : `${t.individualCode} (merged into ${t.mergedIntoCode})`,
    // The decision in force has its notes printed in full above; long ones are printed in full below the table.
    t.notes === null
      ? ''
      : t.inForce
        ? { text: "(as in Reviewer's notes above)", color: COLOR.muted }
        : t.notes.length > LONG_NOTE
          ? { text: '(printed in full below the table)', color: COLOR.muted }
          : t.notes,
    t.undoneAt !== null
      ? {
          text: `undone ${formatInstant(t.undoneAt)} by ${t.undoneBy ?? 'unknown'}`,
          color: COLOR.problemText,
        }
      : t.inForce
        ? { text: 'in force', bold: true }
        : t.verdict === 'match' || t.verdict === 'new-individual'
          ? 'superseded by a later decision'
          : 'recorded; assigns no individual',
  ]);
  flow.sectionTitle(`Decision trail of detection ${s.detectionId}`, flow.tableStart(columns, rows));
  flow.table(columns, rows);
  for (const t of s.trail) {
    if (!t.inForce && t.notes !== null && t.notes.length > LONG_NOTE) {
      flow.gap(4);
      flow.paragraph(`Notes of decision ${t.decisionId}: ${t.notes}`, { size: SIZE.small });
    }
  }
}

function drawModels(flow: Flow, s: SightingEvidence): void {
  const columns: Column[] = [
    { header: 'Model', width: 150 },
    { header: 'Model file SHA-256', width: CONTENT_WIDTH - 150, mono: true },
  ];
  const models = Object.entries(s.modelVersions).sort(([a], [b]) => (a < b ? -1 : 1));
  const rows: Cell[][] = [
    ...(models.length === 0
      ? [[{ text: 'none recorded' }, { text: 'No model versions were recorded with this decision.' }]]
      : models.map(([model, hash]): Cell[] => [model, hash])),
    [
      `Detector: ${s.detector}`,
      s.detector === WHOLE_FRAME_DETECTOR
        ? { text: 'no model: the whole frame is the detection' }
        : { text: 'not recorded (detections keep the detector id only)' },
    ],
  ];
  flow.sectionTitle('Models behind the scores', flow.tableStart(columns, rows));
  flow.table(columns, rows);
}

function drawSightingBand(flow: Flow, s: SightingEvidence, index: number, count: number): void {
  const height = 34;
  flow.doc.save().rect(MARGIN.left, flow.y, CONTENT_WIDTH, height).fill(COLOR.band).restore();
  flow.textAt(`Sighting ${index + 1} of ${count}`, MARGIN.left + 10, flow.y + 5, 200, {
    size: SIZE.small,
    color: COLOR.muted,
  });
  flow.textAt(
    `Decision ${s.decisionId}  |  detection ${s.detectionId}`,
    MARGIN.left + 200,
    flow.y + 5,
    CONTENT_WIDTH - 210,
    {
      size: SIZE.small,
      color: COLOR.muted,
      align: 'right',
    },
  );
  flow.textAt(
    `${individualLabel(s.individualCode, s.individualName)}: ${s.verdict === 'match' ? 'match confirmed' : 'recorded as a new individual'}`,
    MARGIN.left + 10,
    flow.y + 15,
    CONTENT_WIDTH - 20,
    { font: FONT.bold, size: SIZE.heading },
  );
  flow.gap(height + 10);
}

/** A detection's crop, or what stops it being shown. */
function cropSlot(photo: PhotoRecord | undefined, loaded: EvidencePicture | null): PictureSlot {
  if (!photo || !loaded) return { problem: 'photo no longer in the gallery' };
  if (!('crop' in loaded)) return { problem: photoProblem(loaded.check, photo.file, photo.mediaSha256) };
  return { picture: loaded.crop };
}

function drawPhotoAndFacts(
  flow: Flow,
  s: SightingEvidence,
  photo: PhotoRecord | undefined,
  picture: EvidencePicture | null,
): void {
  const factsX = MARGIN.left + PHOTO_AREA.width + SIDE_GAP;
  const factsWidth = CONTENT_WIDTH - PHOTO_AREA.width - SIDE_GAP;
  const rows: [string, Cell][] = [
    ['Station', s.stationName ?? 'not recorded'],
    ['Captured', formatCaptured(s.capturedAt)],
    ['GPS', formatGps(s.latitude, s.longitude)],
    ['Flank', s.flank],
    ['Verdict', { text: VERDICT_LABEL[s.verdict], bold: true }],
    ['Reviewer', s.reviewer],
    ['Decided at', formatInstant(s.decidedAt)],
    ['Detector', formatDetector(s.detector, s.confidence)],
    ['Scores', formatDecisionScores(s.scores)],
  ];
  const caption =
    picture && 'frame' in picture && picture.frame
      ? `Whole photo (${picture.frame.width} × ${picture.frame.height} px embedded); red: the detection box. File SHA-256 checked: unchanged since import.`
      : 'The photo cannot be shown (see the box above).';
  const captionHeight = flow.measure(caption, PHOTO_AREA.width, { size: SIZE.small, color: COLOR.muted });
  const factsHeight = flow.measureFacts(rows, factsWidth, 66);
  flow.ensure(Math.max(PHOTO_AREA.height + 4 + captionHeight, factsHeight));
  const top = flow.y;

  // The sighting's own picture was loaded with its frame, so a verified file always has one.
  const slot: PictureSlot =
    picture && 'frame' in picture && picture.frame
      ? { picture: picture.frame, box: s.box }
      : cropSlot(photo, picture);
  const drawn = flow.picture(slot, MARGIN.left, top, PHOTO_AREA.width, PHOTO_AREA.height, 'left');
  // The caption sits right under the picture (a portrait photo leaves room below it) and spans the photo area.
  const captionY = top + (PHOTO_AREA.height + drawn.h) / 2 + 4;
  flow.textAt(caption, MARGIN.left, captionY, PHOTO_AREA.width, { size: SIZE.small, color: COLOR.muted });

  flow.y = top;
  flow.facts(rows, factsX, factsWidth, 66);
  flow.y = Math.max(flow.y, captionY + captionHeight);
}

function drawFooters(doc: PDFKit.PDFDocument, data: ReportData, seal: ContentSeal, pages: number): void {
  for (let i = 0; i < pages; i++) {
    doc.switchToPage(i);
    drawInBottomMargin(doc, () => {
      const y = PAGE.height - MARGIN.bottom + 24;
      doc
        .save()
        .moveTo(MARGIN.left, y - 6)
        .lineTo(PAGE.width - MARGIN.right, y - 6)
        .lineWidth(0.5)
        .strokeColor(COLOR.rule)
        .stroke()
        .restore();
      doc.font(FONT.regular).fontSize(SIZE.small).fillColor(COLOR.muted);
      doc.text(
        printable(`${title(data)}  |  report id ${seal.reportId}  |  Tiger ID ${data.appVersion}`),
        MARGIN.left,
        y,
        {
          width: CONTENT_WIDTH - 80,
          lineBreak: false,
          ellipsis: true,
        },
      );
      doc.text(`Page ${i + 1} of ${pages}`, PAGE.width - MARGIN.right - 80, y, {
        width: 80,
        align: 'right',
        lineBreak: false,
      });
    });
  }
}
