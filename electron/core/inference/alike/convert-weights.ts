/**
 * Published ALIKE weights (a PyTorch state_dict) → the ONNX file the app runs, for `models install` and
 * `models import`: the weights must be exactly the published file (size and sha256 of the manifest) before they are
 * converted, so what is installed is always the same bytes (the manifest pins the converted file's sha256 too).
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { EngineError, messageOf } from '../../errors';
import type { LocalFeaturesEntry } from '../manifest';
import { alikeOnnx, alikeShape } from './alike-network';
import { readStateDict } from './torch-state-dict';

/** A zip archive (torch.save's format) starts with this; an ONNX protobuf never does. */
export function isStateDictFile(head: Buffer): boolean {
  return head.length >= 4 && head.readUInt32LE(0) === 0x04034b50;
}

export async function convertWeights(
  weightsFile: string,
  onnxFile: string,
  entry: LocalFeaturesEntry,
): Promise<void> {
  let bytes: Buffer;
  try {
    bytes = await readFile(weightsFile);
  } catch (error) {
    throw new EngineError('FILE_UNREADABLE', `Cannot read ${weightsFile}: ${messageOf(error)}`, {
      details: { file: weightsFile },
    });
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (bytes.length !== entry.weights.size || sha256 !== entry.weights.sha256) {
    throw new EngineError(
      'MODEL_CORRUPT',
      `${weightsFile} is not the published weights of "${entry.id}": ${bytes.length} bytes with sha256 ${sha256}, expected ${entry.weights.size} bytes with sha256 ${entry.weights.sha256}; it was not installed`,
      { details: { id: entry.id, expectedSha256: entry.weights.sha256, actualSha256: sha256 } },
    );
  }
  const state = readStateDict(bytes, weightsFile);
  const { dim } = alikeShape(state, weightsFile);
  if (dim !== entry.output.dim) {
    throw new EngineError(
      'MODEL_INVALID',
      `${weightsFile} gives ${dim}-d descriptors; the manifest entry "${entry.id}" expects ${entry.output.dim}`,
      { details: { id: entry.id } },
    );
  }
  await writeFile(onnxFile, alikeOnnx(state, weightsFile));
}
