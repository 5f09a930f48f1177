import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, sealContent } from '../../electron/core/reports/pdf/content-seal';
import { hasUndrawable, printable } from '../../electron/core/reports/pdf/layout';

/** The rules a recipient relies on to recompute a report's seal, and how text the PDF fonts lack is printed. */

describe('canonicalJson (RFC 8785 for plain data)', () => {
  it('sorts members by key at every depth and leaves out all whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  it('orders keys by UTF-16 code units, so upper case sorts before lower case', () => {
    expect(canonicalJson({ b: 0, B: 0, a: 0, '\u00e9': 0 })).toBe('{"B":0,"a":0,"b":0,"é":0}');
  });

  it('writes numbers and strings as ECMAScript does (RFC 8785 section 3.2.2)', () => {
    expect(canonicalJson([1e21, 1e-7, 0.873, -0, 100])).toBe('[1e+21,1e-7,0.873,0,100]');
    expect(canonicalJson('line\nquote" tiger \u0905')).toBe('"line\\nquote\\" tiger \u0905"');
  });

  it('refuses what JSON cannot carry instead of dropping it', () => {
    expect(() => canonicalJson({ score: Number.NaN })).toThrow(
      'Expected finite number at $.score but received NaN',
    );
    expect(() => canonicalJson({ a: [undefined] })).toThrow(
      'Expected JSON data at $.a[0] but received undefined',
    );
    expect(() => canonicalJson({ at: new Date(0) })).toThrow(
      'Expected JSON data at $.at but received object',
    );
  });

  it('seals the canonical bytes: SHA-256 of their UTF-8, report id its first 16 digits', () => {
    const seal = sealContent({ tiger: 'T-0001', reviewer: 'अनिल' });
    const expected = createHash('sha256')
      .update('{"reviewer":"अनिल","tiger":"T-0001"}', 'utf8')
      .digest('hex');
    expect(seal).toEqual({
      json: '{"reviewer":"अनिल","tiger":"T-0001"}',
      sha256: expected,
      reportId: expected.slice(0, 16),
    });
  });
});

describe('printable', () => {
  it('keeps what the built-in fonts draw (Latin-1 and WinAnsi punctuation)', () => {
    expect(printable('Müller – “Raja” 5 × 3 €')).toBe('Müller – “Raja” 5 × 3 €');
    expect(hasUndrawable('Müller – “Raja” 5 × 3 €\n')).toBe(false);
  });

  it('writes each run of other characters as its code points, keeping spaces between words', () => {
    expect(printable('अनिल कुमार, Тайга-3')).toBe(
      '[U+0905 U+0928 U+093F U+0932] [U+0915 U+0941 U+092E U+093E U+0930], [U+0422 U+0430 U+0439 U+0433 U+0430]-3',
    );
    expect(printable('tiger 🐅')).toBe('tiger [U+1F405]');
    expect(hasUndrawable('Тайга')).toBe(true);
  });

  it('keeps line breaks and turns tabs into spaces', () => {
    expect(printable('a\r\nb\tc\rd')).toBe('a\nb c\nd');
  });
});
