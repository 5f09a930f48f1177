import { describe, expect, it } from 'vitest';
import { formatDuration, progressBar } from '../../electron/cli/progress-bar';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 120, write: (t: string) => void writes.push(t) } };
}

describe('progress bar', () => {
  it('stays quiet for the first 200 ms, then draws count, ETA and rate on a terminal', () => {
    let t = 0;
    const { writes, stream } = fakeStream(true);
    const bar = progressBar(stream, 'Importing', () => t);
    bar({ phase: 'import', done: 1, total: 100, unit: 'images' });
    expect(writes).toEqual([]);
    t = 2_000;
    bar({ phase: 'import', done: 21, total: 100, unit: 'images' });
    // 20 images in 2 s since the phase began: 10/s, 79 left → 8 s.
    expect(writes.at(-1)).toMatch(/Importing \(import\)\s+\[#+-+\]\s+21\/100\s+ETA 8s\s+10\/s/);
    bar.done();
    expect(writes.at(-1)).toBe('\r\x1b[2K');
  });

  it('measures the rate of each phase from its own start', () => {
    let t = 0;
    const { writes, stream } = fakeStream(true);
    const bar = progressBar(stream, 'Evaluating', () => t);
    t = 100_000;
    bar({ phase: 'query', done: 0, total: 10, unit: 'queries' });
    t = 102_000;
    bar({ phase: 'query', done: 4, total: 10, unit: 'queries' });
    expect(writes.at(-1)).toMatch(/2\/s/);
  });

  it('prints plain lines at most every 5 s when not on a terminal', () => {
    let t = 0;
    const { writes, stream } = fakeStream(false);
    const bar = progressBar(stream, 'Importing', () => t);
    for (t = 300; t < 12_000; t += 1_000) bar({ phase: 'import', done: t / 100, total: 200, unit: 'images' });
    expect(writes.length).toBe(3);
    expect(writes.every((w) => w.endsWith('\n') && !w.includes('\r'))).toBe(true);
  });

  it('formats durations for people', () => {
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(125)).toBe('2m05s');
    expect(formatDuration(3 * 3600 + 61)).toBe('3h01m');
  });
});
