/**
 * One crop's learned local features as the gallery keeps them: keypoints in the working image, descriptors
 * quantised to int8, and a global descriptor (their mean, unit length) that shortlists the gallery before any
 * keypoint is compared. Stored as one blob per detection and model file in `embeddings`.
 */
import { EngineError } from '../../errors';
import { quantise, type QuantisedDescriptors } from './mutual-matches';

export interface LearnedFeatures {
  /** The working image the keypoints are in. */
  width: number;
  height: number;
  /** x, y per keypoint. */
  points: Float32Array;
  descriptors: QuantisedDescriptors;
  /** Mean of the descriptors, unit length (zero when there are none). */
  global: Float32Array;
}

const MAGIC = 0x314b4c41; // "ALK1"
const HEADER_BYTES = 16;

export function learnedFeatures(extraction: {
  width: number;
  height: number;
  xy: Float32Array;
  descriptors: Float32Array;
  dim: number;
}): LearnedFeatures {
  const descriptors = quantise(extraction.descriptors, extraction.dim);
  return {
    width: extraction.width,
    height: extraction.height,
    points: extraction.xy,
    descriptors,
    global: globalDescriptor(descriptors),
  };
}

function globalDescriptor({ values, dim }: QuantisedDescriptors): Float32Array {
  const sum = new Float32Array(dim);
  for (let i = 0; i < values.length; i += 1) sum[i % dim] = (sum[i % dim] ?? 0) + (values[i] ?? 0);
  let norm = 0;
  for (const v of sum) norm += v * v;
  norm = Math.sqrt(norm);
  return norm > 0 ? sum.map((v) => v / norm) : sum;
}

export function encodeLearnedFeatures(features: LearnedFeatures): Buffer {
  const { dim, values } = features.descriptors;
  const count = values.length / dim;
  const buffer = Buffer.alloc(HEADER_BYTES + count * 8 + values.length);
  buffer.writeUInt32LE(MAGIC, 0);
  buffer.writeUInt16LE(dim, 4);
  buffer.writeUInt16LE(features.width, 6);
  buffer.writeUInt16LE(features.height, 8);
  buffer.writeUInt32LE(count, 12);
  for (let i = 0; i < count * 2; i += 1) buffer.writeFloatLE(features.points[i] ?? 0, HEADER_BYTES + 4 * i);
  Buffer.from(values.buffer, values.byteOffset, values.byteLength).copy(buffer, HEADER_BYTES + count * 8);
  return buffer;
}

export function decodeLearnedFeatures(blob: Buffer): LearnedFeatures {
  const corrupt = (why: string) =>
    new EngineError('DESCRIPTOR_CORRUPT', `Stored learned features are unreadable: ${why}`);
  if (blob.length < HEADER_BYTES || blob.readUInt32LE(0) !== MAGIC) throw corrupt('not ALIKE features');
  const dim = blob.readUInt16LE(4);
  const count = blob.readUInt32LE(12);
  if (dim === 0 || blob.length !== HEADER_BYTES + count * 8 + count * dim) {
    throw corrupt(`${blob.length} bytes for ${count} keypoints of ${dim} values`);
  }
  const points = new Float32Array(count * 2);
  for (let i = 0; i < count * 2; i += 1) points[i] = blob.readFloatLE(HEADER_BYTES + 4 * i);
  const values = new Int8Array(count * dim);
  values.set(new Int8Array(blob.buffer, blob.byteOffset + HEADER_BYTES + count * 8, count * dim));
  const descriptors = { values, dim };
  return {
    width: blob.readUInt16LE(6),
    height: blob.readUInt16LE(8),
    points,
    descriptors,
    global: globalDescriptor(descriptors),
  };
}
