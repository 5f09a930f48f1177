import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsv, csvLine } from '../../electron/core/csv';
import { readLabels } from '../../electron/core/evaluation/labels';
import { splitForEvaluation } from '../../electron/core/evaluation/split';

const dir = mkdtempSync(join(tmpdir(), 'tigerid-labels-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('CSV', () => {
  it('parses quotes, doubled quotes, CRLF and a BOM, and writes what it reads', () => {
    const rows = parseCsv('\ufeffa,b\r\n"x, y","say ""hi"""\n', 't.csv');
    expect(rows).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
    ]);
    expect(parseCsv(csvLine(['x, y', 'say "hi"', null, 3]), 't')[0]?.fields).toEqual([
      'x, y',
      'say "hi"',
      '',
      '3',
    ]);
  });

  it('names the line of a broken quote', () => {
    expect(() => parseCsv('a\n"open\n', 'bad.csv')).toThrowError(
      /bad.csv, line 2: a quoted field is never closed/,
    );
    expect(() => parseCsv('a\nx"y\n', 'bad.csv')).toThrowError(/line 2: a quote inside an unquoted field/);
  });
});

describe('labels file', () => {
  it('reads files relative to the CSV and names a missing column or a short row', () => {
    const ok = readLabels(
      write('ok.csv', 'individual_id,file,flank\nt1,images/a.jpg,left\nt1,images/b.jpg,\n'),
    );
    expect(ok.map((l) => [l.individualId, l.file, l.flank])).toEqual([
      ['t1', join(dir, 'images/a.jpg'), 'left'],
      ['t1', join(dir, 'images/b.jpg'), 'unknown'],
    ]);
    expect(ok.map((l) => l.station)).toEqual([null, null]);
    const placed = readLabels(
      write('station.csv', 'individual_id,file,encounter,station\nt1,a.jpg,e1,Ridge\nt1,b.jpg,e2,\n'),
    );
    expect(placed.map((l) => [l.encounter, l.station])).toEqual([
      ['e1', 'Ridge'],
      ['e2', null],
    ]);
    expect(() => readLabels(write('nocol.csv', 'id,file\n1,a.jpg\n'))).toThrowError(
      /no "individual_id" column \(found: id, file\)/,
    );
    expect(() => readLabels(write('short.csv', 'individual_id,file\nt1\n'))).toThrowError(
      /line 2: 1 fields where the header has 2/,
    );
    expect(() => readLabels(write('flank.csv', 'individual_id,file,flank\nt1,a.jpg,top\n'))).toThrowError(
      /line 2: flank/,
    );
    expect(() => readLabels(join(dir, 'absent.csv'))).toThrowError(/Cannot read the labels file/);
  });
});

describe('evaluation split', () => {
  const ids = Array.from({ length: 10 }, (_, i) => `tiger-${i}`);
  const images = ids.flatMap((id, i) =>
    Array.from({ length: i === 9 ? 1 : 5 }, (_, k) => ({
      individualId: id,
      file: `/x/${id}/${k}.jpg`,
      relativeFile: `${id}/${k}.jpg`,
      flank: 'unknown' as const,
      encounter: null,
      station: null,
    })),
  );

  it('holds out the 20 % of individuals with the lowest id hashes and halves the rest', () => {
    const split = splitForEvaluation(images);
    const byHash = [...ids].sort((a, b) =>
      createHash('sha256')
        .update(a)
        .digest('hex')
        .localeCompare(createHash('sha256').update(b).digest('hex')),
    );
    expect(split.unknownIndividuals).toEqual(byHash.slice(0, 2).sort());
    for (const id of ids) {
      const gallery = split.gallery.filter((g) => g.individualId === id).map((g) => g.relativeFile);
      const known = split.known.filter((g) => g.individualId === id).map((g) => g.relativeFile);
      if (split.unknownIndividuals.includes(id)) {
        expect(gallery).toEqual([]);
        expect(split.unknown.filter((u) => u.individualId === id)).toHaveLength(id === 'tiger-9' ? 1 : 5);
      } else if (id === 'tiger-9') {
        expect(gallery).toEqual(['tiger-9/0.jpg']);
        expect(known).toEqual([]);
      } else {
        expect(gallery).toEqual([`${id}/0.jpg`, `${id}/1.jpg`, `${id}/2.jpg`]);
        expect(known).toEqual([`${id}/3.jpg`, `${id}/4.jpg`]);
      }
    }
  });

  it('queries come from encounters the gallery does not hold, when there are several', () => {
    const withEncounters = [
      { individualId: 'a', file: '/1', relativeFile: '1', flank: 'unknown' as const, encounter: 'e1' },
      { individualId: 'a', file: '/2', relativeFile: '2', flank: 'unknown' as const, encounter: 'e1' },
      { individualId: 'a', file: '/3', relativeFile: '3', flank: 'unknown' as const, encounter: 'e1' },
      { individualId: 'a', file: '/4', relativeFile: '4', flank: 'unknown' as const, encounter: 'e2' },
    ];
    const split = splitForEvaluation(withEncounters.map((image) => ({ ...image, station: null })));
    expect(split.gallery.map((g) => g.relativeFile)).toEqual(['1', '2']);
    expect(split.known.map((g) => g.relativeFile)).toEqual(['4']);
  });
});
