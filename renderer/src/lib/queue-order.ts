/**
 * The reviewer's place in the queue. The queue is refetched after every decision and during imports; the list
 * the reviewer works through keeps its order: items still undecided stay where they were, new ones are appended,
 * decided ones drop out.
 */
export function mergeOrder(previous: number[], fresh: number[]): number[] {
  const freshSet = new Set(fresh);
  const kept = previous.filter((id) => freshSet.has(id));
  const keptSet = new Set(kept);
  return [...kept, ...fresh.filter((id) => !keptSet.has(id))];
}

/** The detection to show after `current` is decided: the next one in order, else the previous, else none. */
export function nextAfter(order: number[], current: number): number | null {
  const i = order.indexOf(current);
  if (i === -1) return order[0] ?? null;
  return order[i + 1] ?? order[i - 1] ?? null;
}

/** Puts an undone detection back just before `before` (or at the front), so the reviewer sees it again now. */
export function reinsert(order: number[], id: number, before: number | null): number[] {
  const rest = order.filter((x) => x !== id);
  const at = before === null ? 0 : Math.max(0, rest.indexOf(before));
  return [...rest.slice(0, at), id, ...rest.slice(at)];
}
