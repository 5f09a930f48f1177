/** "1 frame", "3 frames": a count with its noun, for every sentence the engine writes. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
