/** Average precision of one ranked list, given which items are relevant (all relevant items must be in it). */
export function averagePrecision(relevance: readonly boolean[], relevantTotal: number): number {
  if (relevantTotal === 0) return 0;
  let hits = 0;
  let sum = 0;
  relevance.forEach((relevant, i) => {
    if (!relevant) return;
    hits++;
    sum += hits / (i + 1);
  });
  return sum / relevantTotal;
}

/**
 * Area under the ROC curve for separating positives (should score high) from negatives, with ties counted as
 * half: the probability that a random positive outscores a random negative.
 */
export function auroc(positives: readonly number[], negatives: readonly number[]): number {
  if (positives.length === 0 || negatives.length === 0) return Number.NaN;
  const scores = [...positives, ...negatives];
  const order = scores.map((_, i) => i).sort((a, b) => (scores[a] ?? 0) - (scores[b] ?? 0));
  // Mann-Whitney U: sum of the positives' ranks, tied scores sharing their average rank.
  let rankSum = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && scores[order[j] ?? 0] === scores[order[i] ?? 0]) j++;
    const averageRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if ((order[k] ?? Infinity) < positives.length) rankSum += averageRank;
    i = j;
  }
  const n1 = positives.length;
  return (rankSum - (n1 * (n1 + 1)) / 2) / (n1 * negatives.length);
}
