/**
 * File names on Linux are bytes, not text: a camera card formatted elsewhere or an old archive can hold names
 * that are not valid UTF-8. We open files by their exact bytes and keep a readable text form for display and
 * for the database, where invalid bytes are written as \xFF escapes (like `ls --quoting-style=escape` or
 * Python's backslashreplace) so two different names never display, or get stored, as the same text.
 */
export interface PathText {
  /** Display form: the UTF-8 text, or the text with each invalid byte written as \xNN. */
  text: string;
  /** The original bytes when they are not valid UTF-8 (to reopen the file), otherwise null. */
  raw: Buffer | null;
}

const strict = new TextDecoder('utf-8', { fatal: true });

export function pathText(bytes: Buffer): PathText {
  try {
    return { text: strict.decode(bytes), raw: null };
  } catch {
    return { text: escapeInvalidUtf8(bytes), raw: Buffer.from(bytes) };
  }
}

function escapeInvalidUtf8(bytes: Buffer): string {
  let text = '';
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    if (length > 0) {
      text += bytes.toString('utf8', i, i + length);
      i += length;
    } else {
      text += `\\x${(bytes[i] ?? 0).toString(16).toUpperCase().padStart(2, '0')}`;
      i += 1;
    }
  }
  return text;
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there cannot start one. */
function sequenceLength(bytes: Buffer, i: number): number {
  const lead = bytes[i] ?? 0;
  const length =
    lead < 0x80
      ? 1
      : lead >= 0xc2 && lead <= 0xdf
        ? 2
        : lead >= 0xe0 && lead <= 0xef
          ? 3
          : lead >= 0xf0 && lead <= 0xf4
            ? 4
            : 0;
  if (length <= 1 || i + length > bytes.length) return length === 1 ? 1 : 0;
  try {
    // Overlong forms and surrogates pass the lead-byte test; the strict decoder rejects them.
    strict.decode(bytes.subarray(i, i + length));
    return length;
  } catch {
    return 0;
  }
}
