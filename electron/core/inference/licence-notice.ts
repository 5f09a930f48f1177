import type { ModelEntry } from './manifest';

/**
 * What a user agrees to before a model is downloaded: the licence as the manifest names it, where to read it, the
 * download itself, and one plain sentence for licences whose obligations are easy to miss. Every door that installs
 * a model shows these lines before the first byte is fetched.
 */
export function licenceNotice(entry: ModelEntry): string[] {
  const lines = [`Model "${entry.id}" is licensed under ${entry.licence}.`];
  if (entry.homepage !== undefined) lines.push(`Licence and model page: ${entry.homepage}`);
  // AGPL's obligations (source for shared copies, and for changed versions used over a network) are easy to miss.
  if (/\bAGPL\b/i.test(entry.licence)) {
    lines.push(
      'AGPL-3.0 in short: you may use and change the model freely; if you give copies to others, or let others use a changed version over a network, you must offer them its source under the same licence.',
    );
  }
  // BSD's one condition on copies in binary form (the converted model is one) is easy to miss too.
  if (/\bBSD-3-Clause\b/i.test(entry.licence)) {
    lines.push(
      'BSD-3-Clause in short: you may use, change and share the model; copies must carry its copyright notice, conditions and disclaimer (Tiger ID shows them on the Status screen, under Licences, and ships them in models/licences).',
    );
  }
  const bytes = (size: number | null) =>
    size === null ? '' : size >= 1e6 ? ` ${(size / 1e6).toFixed(1)} MB` : ` ${size} bytes`;
  if (entry.task === 'local-features') {
    lines.push(
      `Download:${bytes(entry.weights.size)} of published weights from ${new URL(entry.weights.url).host}, converted to ONNX on this computer`,
    );
  } else if (entry.url !== null) {
    lines.push(`Download:${bytes(entry.size)} from ${new URL(entry.url).host}`);
  }
  return lines;
}
