/** Dot product of two vectors of one length: the cosine similarity when both are unit length (embeddings, global descriptors). */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i += 1) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}
