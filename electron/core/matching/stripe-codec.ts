/**
 * Binary form of a stripe descriptor, stored next to every gallery image. Layout (little endian):
 *   magic "TSTR" | format u16 | featureVersion u16 | width u16 | height u16 | count u16 | coverage f32 |
 *   points: count * 2 * u16 (1/32 px fixed point) | descriptors: count * 61 bytes |
 *   fur flags: ceil(count / 8) bytes, one bit per keypoint | crc32 u32 of all before.
 * The CRC turns a truncated or bit-flipped row into a clear error instead of silently wrong matches, and the
 * feature version makes descriptors from an older extractor fail loudly so they get recomputed.
 */
import { EngineError } from '../errors';
import { DESCRIPTOR_BYTES, type LocalFeatures } from './stripe-features';

const MAGIC = 0x52545354; // "TSTR" read as little-endian u32
const FORMAT = 1;
const HEADER_BYTES = 4 + 2 + 2 + 2 + 2 + 2 + 4;
const POINT_SCALE = 32;
const MAX_COORD = 0xffff / POINT_SCALE;

const CRC_TABLE = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  CRC_TABLE[n] = c >>> 0;
}

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = (CRC_TABLE[(c ^ (bytes[i] ?? 0)) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function byteLength(count: number): number {
  return HEADER_BYTES + count * 4 + count * DESCRIPTOR_BYTES + Math.ceil(count / 8) + 4;
}

function corrupt(reason: string): EngineError {
  return new EngineError('DESCRIPTOR_CORRUPT', `stripe descriptor is corrupt: ${reason}`, {
    details: { reason },
  });
}

export function encodeFeatures(features: LocalFeatures, featureVersion: number): Buffer {
  const count = features.points.length / 2;
  if (count > 0xffff || features.descriptors.length !== count * DESCRIPTOR_BYTES) {
    throw new RangeError('stripe descriptor has inconsistent keypoint and descriptor counts');
  }
  if (features.width > MAX_COORD || features.height > MAX_COORD)
    throw new RangeError('working image too large');
  const total = byteLength(count);
  const out = Buffer.alloc(total);
  let o = out.writeUInt32LE(MAGIC, 0);
  o = out.writeUInt16LE(FORMAT, o);
  o = out.writeUInt16LE(featureVersion, o);
  o = out.writeUInt16LE(features.width, o);
  o = out.writeUInt16LE(features.height, o);
  o = out.writeUInt16LE(count, o);
  o = out.writeFloatLE(features.maskCoverage, o);
  for (let i = 0; i < count * 2; i++) {
    const v = Math.round((features.points[i] ?? 0) * POINT_SCALE);
    o = out.writeUInt16LE(Math.min(0xffff, Math.max(0, v)), o);
  }
  out.set(features.descriptors, o);
  o += features.descriptors.length;
  if (features.onFur.length !== count)
    throw new RangeError('stripe descriptor needs one fur flag per keypoint');
  for (let i = 0; i < count; i++)
    if (features.onFur[i]) out[o + (i >> 3)] = (out[o + (i >> 3)] ?? 0) | (1 << (i & 7));
  o += Math.ceil(count / 8);
  out.writeUInt32LE(crc32(out.subarray(0, o)), o);
  return out;
}

export function decodeFeatures(buffer: Uint8Array, featureVersion: number): LocalFeatures {
  const b = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (b.length < HEADER_BYTES + 4) throw corrupt(`only ${b.length} bytes`);
  if (b.readUInt32LE(0) !== MAGIC) throw corrupt('not a stripe descriptor (bad magic)');
  const format = b.readUInt16LE(4);
  if (format !== FORMAT) throw corrupt(`unknown format ${format}`);
  const count = b.readUInt16LE(12);
  const expected = byteLength(count);
  if (b.length !== expected) throw corrupt(`length ${b.length}, expected ${expected}`);
  if (crc32(b.subarray(0, expected - 4)) !== b.readUInt32LE(expected - 4)) throw corrupt('checksum mismatch');
  const version = b.readUInt16LE(6);
  if (version !== featureVersion) {
    throw new EngineError(
      'DESCRIPTOR_STALE',
      `stripe descriptor was made by feature version ${version}, this is ${featureVersion}: recompute it`,
      {
        details: { reason: 'stale-descriptor', version, expected: featureVersion },
      },
    );
  }
  const width = b.readUInt16LE(8);
  const height = b.readUInt16LE(10);
  const maskCoverage = b.readFloatLE(14);
  if (width === 0 || height === 0 || !(maskCoverage >= 0 && maskCoverage <= 1))
    throw corrupt('bad header values');
  const points = new Float32Array(count * 2);
  let o = HEADER_BYTES;
  for (let i = 0; i < count * 2; i++, o += 2) points[i] = b.readUInt16LE(o) / POINT_SCALE;
  const descriptors = new Uint8Array(b.subarray(o, o + count * DESCRIPTOR_BYTES));
  o += count * DESCRIPTOR_BYTES;
  const onFur = new Uint8Array(count);
  for (let i = 0; i < count; i++) onFur[i] = ((b[o + (i >> 3)] ?? 0) >> (i & 7)) & 1;
  return { width, height, points, descriptors, maskCoverage, onFur };
}
