import type { JpegPicture } from './images';

/**
 * Page geometry, type and the drawing primitives of a report (PDFKit). Every block is measured before it is
 * drawn and moved whole to the next page when it does not fit, so a picture never leaves its caption and a table
 * row is never cut; nothing is drawn past the bottom margin, which keeps the footer clear.
 */

export const PAGE = { size: 'A4', width: 595.28, height: 841.89 } as const;
export const MARGIN = { top: 50, bottom: 54, left: 50, right: 50 } as const;
export const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const BOTTOM = PAGE.height - MARGIN.bottom;

export const FONT = {
  regular: 'Helvetica',
  bold: 'Helvetica-Bold',
  oblique: 'Helvetica-Oblique',
  mono: 'Courier',
};
export const SIZE = { title: 22, subtitle: 12, heading: 13, section: 10, body: 8.5, small: 7.5 };
export const COLOR = {
  text: '#1c1c1c',
  muted: '#5c5c5c',
  rule: '#c4c4c4',
  band: '#f1eee8',
  headerFill: '#ebebeb',
  box: '#e8321e',
  boxHalo: '#ffffff',
  problemFill: '#fdf0ee',
  problemText: '#9b1c0c',
} as const;
const LINE_GAP = 1.5;
const CELL_PAD = 3;
const TILE_GAP = 8;
const TILE_CAPTION: TextStyle = { size: SIZE.small, align: 'center' };
/** Text up to this tall is never split across pages. */
const KEEP_WHOLE_TEXT = 60;
/** Tables up to this tall are never split across pages. */
const KEEP_WHOLE_TABLE = 120;

/** Characters the built-in PDF fonts can draw (WinAnsi). Others would come out as garbage glyphs. */
const WIN_ANSI_EXTRA = new Set([
  0x152, 0x153, 0x160, 0x161, 0x178, 0x17d, 0x17e, 0x192, 0x2c6, 0x2dc, 0x2013, 0x2014, 0x2018, 0x2019,
  0x201a, 0x201c, 0x201d, 0x201e, 0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039, 0x203a, 0x20ac, 0x2122,
]);

function drawable(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  return (c >= 0x20 && c < 0x7f) || (c >= 0xa0 && c <= 0xff) || WIN_ANSI_EXTRA.has(c);
}

/**
 * Text as the built-in fonts can print it: each run of characters outside WinAnsi (Devanagari, Thai, Cyrillic...)
 * is written as its code points, [U+0905 U+0928], rather than dropped or drawn as garbage, so nothing silently
 * changes; the attached content JSON keeps the exact text.
 */
export function printable(text: string): string {
  let out = '';
  let run: string[] = [];
  const flush = () => {
    if (run.length > 0) out += `[${run.join(' ')}]`;
    run = [];
  };
  for (const ch of text.replace(/\r\n?/g, '\n')) {
    if (ch === '\n' || ch === '\t' || drawable(ch)) {
      flush();
      out += ch === '\t' ? ' ' : ch;
    } else {
      run.push(`U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`);
    }
  }
  flush();
  return out;
}

/** Whether `printable` must write any of this text as code points. */
export function hasUndrawable(text: string): boolean {
  return [...text].some((ch) => ch !== '\n' && ch !== '\r' && ch !== '\t' && !drawable(ch));
}

export interface TextStyle {
  font?: string;
  size?: number;
  color?: string;
  align?: 'left' | 'center' | 'right';
}

export interface Column {
  header: string;
  width: number;
  align?: 'left' | 'right' | 'center';
  mono?: boolean;
}

export type Cell = string | { text: string; bold?: boolean; mono?: boolean; color?: string };

/** The text style of a cell over a base style (size, alignment). */
function cellStyle(cell: Cell, base: TextStyle = {}): TextStyle {
  const c = typeof cell === 'string' ? { text: cell } : cell;
  return {
    ...base,
    font: c.mono ? FONT.mono : c.bold ? FONT.bold : (base.font ?? FONT.regular),
    color: c.color ?? base.color ?? COLOR.text,
  };
}

/** A picture slot: the picture, or the reason it cannot be shown (printed in a box of the same size). */
export type PictureSlot =
  { picture: JpegPicture; box?: { x: number; y: number; w: number; h: number } } | { problem: string };

export interface Tile {
  slot: PictureSlot;
  caption: Cell[];
}

/** A cursor over the pages of one document; `onNewPage` draws what each continuation page starts with. */
export class Flow {
  y: number = MARGIN.top;
  pageCount = 0;
  onNewPage: () => void = () => {};

  constructor(readonly doc: PDFKit.PDFDocument) {}

  newPage(): void {
    this.doc.addPage({ size: PAGE.size, margins: MARGIN });
    this.pageCount += 1;
    this.y = MARGIN.top;
    this.onNewPage();
  }

  /** Starts a new page unless `height` still fits on this one. */
  ensure(height: number): void {
    if (this.y + height > BOTTOM && this.y > MARGIN.top) this.newPage();
  }

  gap(points: number): void {
    this.y += points;
  }

  style(style: TextStyle = {}): this {
    this.doc
      .font(style.font ?? FONT.regular)
      .fontSize(style.size ?? SIZE.body)
      .fillColor(style.color ?? COLOR.text);
    return this;
  }

  measure(text: string, width: number, style: TextStyle = {}): number {
    this.style(style);
    return this.doc.heightOfString(printable(text) || ' ', { width, lineGap: LINE_GAP });
  }

  /** Draws text at (x, y) without moving the cursor; returns its height. */
  textAt(text: string, x: number, y: number, width: number, style: TextStyle = {}): number {
    const height = this.measure(text, width, style);
    this.style(style);
    this.doc.text(printable(text), x, y, { width, lineGap: LINE_GAP, align: style.align ?? 'left' });
    return height;
  }

  /** A paragraph across the content width: a short one moves whole to the next page, a long one flows over. */
  paragraph(text: string, style: TextStyle = {}, width = CONTENT_WIDTH): void {
    this.flowingText(text, MARGIN.left, width, style);
  }

  /**
   * Draws text from the cursor. Up to KEEP_WHOLE_TEXT tall it is kept on one page; longer text fills this page
   * and continues on the next ones, split between words (or, for a word longer than a line, between characters).
   */
  private flowingText(text: string, x: number, width: number, style: TextStyle): void {
    let rest = text;
    const height = this.measure(rest, width, style);
    this.ensure(Math.min(height, KEEP_WHOLE_TEXT));
    for (;;) {
      const full = this.measure(rest, width, style);
      if (this.y + full <= BOTTOM) {
        this.textAt(rest, x, this.y, width, style);
        this.y += full;
        return;
      }
      const cut = this.fittingPrefix(rest, width, style, BOTTOM - this.y);
      if (cut > 0) this.textAt(rest.slice(0, cut), x, this.y, width, style);
      rest = rest.slice(cut).replace(/^\s+/, '');
      this.newPage();
    }
  }

  /** Length of the longest start of `text`, cut at a space when possible, that fits in `height`. */
  private fittingPrefix(text: string, width: number, style: TextStyle, height: number): number {
    const fits = (end: number) => this.measure(text.slice(0, end), width, style) <= height;
    const longest = (cuts: number[]) => {
      let [lo, hi] = [0, cuts.length - 1];
      let best = 0;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const end = cuts[mid] ?? 0;
        if (fits(end)) [best, lo] = [end, mid + 1];
        else hi = mid - 1;
      }
      return best;
    };
    const atSpaces = longest([...text.matchAll(/\s+/g)].map((m) => m.index));
    if (atSpaces > 0) return atSpaces;
    // No word boundary fits (one very long word, such as a path): cut it between characters, as wrapping does.
    return longest(Array.from({ length: text.length - 1 }, (_, i) => i + 1));
  }

  /** A section title with a rule under it, kept with at least `keepWith` points of what follows. */
  sectionTitle(text: string, keepWith = 60): void {
    const style = { font: FONT.bold, size: SIZE.section };
    const height = this.measure(text, CONTENT_WIDTH, style) + 4;
    this.ensure(height + keepWith);
    this.textAt(text, MARGIN.left, this.y, CONTENT_WIDTH, style);
    this.y += height - 2;
    this.rule(MARGIN.left, this.y, CONTENT_WIDTH);
    this.y += 4;
  }

  rule(x: number, y: number, width: number, color: string = COLOR.rule): void {
    this.doc
      .save()
      .moveTo(x, y)
      .lineTo(x + width, y)
      .lineWidth(0.5)
      .strokeColor(color)
      .stroke()
      .restore();
  }

  /** Label/value rows, labels in a fixed column; the cursor moves below them. */
  facts(rows: [string, Cell][], x: number = MARGIN.left, width = CONTENT_WIDTH, labelWidth = 110): void {
    for (const [label, value] of rows) {
      const height = this.factHeight(label, value, width, labelWidth);
      this.ensure(Math.min(height, KEEP_WHOLE_TEXT));
      const [top, page] = [this.y, this.pageCount];
      const labelHeight = this.textAt(label, x, this.y, labelWidth - 6, { color: COLOR.muted });
      // The value may be long (notes): it flows on to the next pages if it must.
      this.flowingText(cellText(value), x + labelWidth, width - labelWidth, cellStyle(value));
      if (this.pageCount === page) this.y = Math.max(this.y, top + labelHeight);
      this.y += 2;
    }
  }

  /** Height `facts` would take, for laying blocks side by side. */
  measureFacts(rows: [string, Cell][], width: number, labelWidth: number): number {
    return rows.reduce((sum, [label, value]) => sum + this.factHeight(label, value, width, labelWidth), 0);
  }

  private factHeight(label: string, value: Cell, width: number, labelWidth: number): number {
    return (
      2 +
      Math.max(
        this.measure(label, labelWidth - 6, { color: COLOR.muted }),
        this.measure(cellText(value), width - labelWidth, cellStyle(value)),
      )
    );
  }

  /**
   * A table with a shaded header row, repeated on every page it continues to. Short tables are never split.
   * Columns wider than the content width are a programming error, not something to clip.
   */
  table(columns: Column[], rows: Cell[][]): void {
    const layout = this.tableLayout(columns, rows);
    const drawHeader = () => {
      this.doc.save().rect(MARGIN.left, this.y, layout.width, layout.header).fill(COLOR.headerFill).restore();
      this.drawRow(
        columns,
        columns.map((c) => ({ text: c.header, bold: true })),
        false,
      );
      this.y += layout.header;
    };
    this.ensure(layout.keep);
    drawHeader();
    for (const [r, cells] of rows.entries()) {
      const height = layout.rows[r] ?? 0;
      if (this.y + height > BOTTOM) {
        this.newPage();
        drawHeader();
      }
      this.drawRow(columns, cells, true);
      this.y += height;
      this.rule(MARGIN.left, this.y, layout.width);
    }
  }

  /** The height a table must find on a page before it starts: all of it when short, else header and first row. */
  tableStart(columns: Column[], rows: Cell[][]): number {
    return this.tableLayout(columns, rows).keep;
  }

  private tableLayout(columns: Column[], rows: Cell[][]) {
    const width = columns.reduce((sum, c) => sum + c.width, 0);
    if (width > CONTENT_WIDTH + 0.5)
      throw new RangeError(`table is ${width} pt wide; the page has ${CONTENT_WIDTH}`);
    const rowHeight = (cells: Cell[], mono: boolean) =>
      2 * CELL_PAD +
      Math.max(
        ...columns.map((column, i) => {
          const cell = cells[i] ?? '';
          return this.measure(
            cellText(cell),
            column.width - 2 * CELL_PAD,
            tableCellStyle(column, cell, mono),
          );
        }),
      );
    const header = rowHeight(
      columns.map((c) => ({ text: c.header, bold: true })),
      false,
    );
    const heights = rows.map((cells) => rowHeight(cells, true));
    const whole = header + heights.reduce((sum, h) => sum + h, 0);
    return {
      width,
      header,
      rows: heights,
      keep: whole <= KEEP_WHOLE_TABLE ? whole : header + (heights[0] ?? 0),
    };
  }

  private drawRow(columns: Column[], cells: Cell[], mono: boolean): void {
    let x = MARGIN.left;
    for (const [i, column] of columns.entries()) {
      const cell = cells[i] ?? '';
      const style = tableCellStyle(column, cell, mono);
      this.textAt(cellText(cell), x + CELL_PAD, this.y + CELL_PAD, column.width - 2 * CELL_PAD, style);
      x += column.width;
    }
  }

  /**
   * Draws a picture fitted into a w × h area (centred vertically, and horizontally unless `align` is left), with
   * the detection box over it when given. The box is a drawing on top of the photo: its pixels are never altered.
   */
  picture(
    slot: PictureSlot,
    x: number,
    y: number,
    w: number,
    h: number,
    align: 'center' | 'left' = 'center',
  ): { w: number; h: number } {
    if ('problem' in slot) {
      this.problemBox(slot.problem, x, y, w, h);
      return { w, h };
    }
    const { picture } = slot;
    const scale = Math.min(w / picture.width, h / picture.height);
    const pw = picture.width * scale;
    const ph = picture.height * scale;
    const px = align === 'left' ? x : x + (w - pw) / 2;
    const py = y + (h - ph) / 2;
    this.doc.image(picture.src, px, py, { width: pw, height: ph });
    this.doc.save().rect(px, py, pw, ph).lineWidth(0.5).strokeColor(COLOR.rule).stroke().restore();
    if (slot.box) {
      const b = slot.box;
      const rect = (width: number, color: string) =>
        this.doc
          .save()
          .rect(px + b.x * pw, py + b.y * ph, b.w * pw, b.h * ph)
          .lineWidth(width)
          .strokeColor(color)
          .stroke()
          .restore();
      // A light halo under the red line keeps the box visible on dark night frames and on bright ones alike.
      rect(2.6, COLOR.boxHalo);
      rect(1.3, COLOR.box);
    }
    return { w: pw, h: ph };
  }

  problemBox(message: string, x: number, y: number, w: number, h: number): void {
    this.doc.save().rect(x, y, w, h).fill(COLOR.problemFill).restore();
    this.doc
      .save()
      .rect(x, y, w, h)
      .lineWidth(0.8)
      .dash(3, { space: 2 })
      .strokeColor(COLOR.problemText)
      .stroke()
      .restore();
    const style = { size: SIZE.small, color: COLOR.problemText, font: FONT.bold, align: 'center' as const };
    const inner = w - 8;
    const textHeight = Math.min(this.measure(message, inner, style), h - 8);
    this.style(style);
    this.doc.text(printable(message), x + 4, y + Math.max(4, (h - textHeight) / 2), {
      width: inner,
      height: h - 8,
      ellipsis: true,
      lineGap: LINE_GAP,
      align: 'center',
    });
  }

  /** A row of equal tiles (landscape 4:3 areas, pictures centred) with captions aligned under them, kept together. */
  tiles(tiles: Tile[], columns: number): void {
    const { width, height, total } = this.tileLayout(tiles, columns);
    this.ensure(total);
    for (const [i, tile] of tiles.entries()) {
      const x = MARGIN.left + i * (width + TILE_GAP);
      this.picture(tile.slot, x, this.y, width, height);
      let cy = this.y + height + 4;
      for (const line of tile.caption) {
        cy += this.textAt(cellText(line), x, cy, width, cellStyle(line, TILE_CAPTION));
      }
    }
    this.y += total;
  }

  tilesHeight(tiles: Tile[], columns: number): number {
    return this.tileLayout(tiles, columns).total;
  }

  private tileLayout(tiles: Tile[], columns: number): { width: number; height: number; total: number } {
    const width = (CONTENT_WIDTH - TILE_GAP * (columns - 1)) / columns;
    const height = width * 0.75;
    const caption = Math.max(
      ...tiles.map((t) =>
        t.caption.reduce((sum, c) => sum + this.measure(cellText(c), width, cellStyle(c, TILE_CAPTION)), 0),
      ),
    );
    return { width, height, total: height + 4 + caption };
  }
}

/** Table text is small; a mono column sets its body cells (not its header) in Courier. */
function tableCellStyle(column: Column, cell: Cell, body: boolean): TextStyle {
  const base = { size: SIZE.small, align: column.align ?? 'left' } as const;
  return cellStyle(body && column.mono && typeof cell === 'string' ? { text: cell, mono: true } : cell, base);
}

function cellText(cell: Cell): string {
  return typeof cell === 'string' ? cell : cell.text;
}

/** Writes `text` in the bottom margin of the current page without PDFKit moving on to a new page. */
export function drawInBottomMargin(doc: PDFKit.PDFDocument, draw: () => void): void {
  const bottom = doc.page.margins.bottom;
  doc.page.margins.bottom = 0;
  try {
    draw();
  } finally {
    doc.page.margins.bottom = bottom;
  }
}
