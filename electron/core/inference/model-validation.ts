import { EngineError, nativeError } from '../errors';
import * as ort from 'onnxruntime-node';
import type { ModelEntry } from './manifest';

/**
 * Checks that a file is an ONNX model onnxruntime can load and that its input/output shapes are the ones the
 * manifest entry promises, before it is installed. A symbolic dimension (e.g. 'batch') is accepted wherever a
 * size is expected: the runtime checks the real size on every run.
 */

export type Shape = ReadonlyArray<number | string>;

export interface ModelSignature {
  inputName: string;
  inputShape: Shape;
  outputName: string;
  outputShape: Shape;
}

function show(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

/** The expected input shape, with 'batch' where any size is fine. */
export function expectedInputShape(entry: ModelEntry): Shape {
  // Local features take one image of any size (multiples of 32), its maps come back at that size.
  if (entry.task === 'local-features') return [1, 3, 'height', 'width'];
  const { width, height, layout } = entry.input;
  return layout === 'NCHW' ? ['batch', 3, height, width] : ['batch', height, width, 3];
}

/** The input's layout and shape in words, for errors. */
function inputInWords(entry: ModelEntry, shape: Shape): string {
  return `${entry.task === 'local-features' ? 'NCHW' : entry.input.layout} ${show(shape)}`;
}

/** The expected output shape; 'N' (candidate boxes) and 'batch' may be any size. */
export function expectedOutputShape(entry: ModelEntry): Shape {
  if (entry.task === 'embed') return ['batch', entry.output.dim];
  if (entry.task === 'local-features') return [1, 1 + entry.output.dim, 'height', 'width'];
  const classes = entry.output.classes.length;
  return entry.output.format === 'yolov5-md' ? ['batch', 'N', 5 + classes] : ['batch', 4 + classes, 'N'];
}

function mismatch(actual: Shape, expected: Shape): string | undefined {
  if (actual.length !== expected.length) return `has rank ${actual.length}, expected rank ${expected.length}`;
  for (let i = 0; i < expected.length; i += 1) {
    const want = expected[i];
    const got = actual[i];
    if (typeof want === 'number' && typeof got === 'number' && want !== got) {
      return `has size ${got} in dimension ${i}, expected ${want}`;
    }
  }
  return undefined;
}

/** Compares a loaded session's metadata with the manifest entry; throws MODEL_INVALID naming the difference. */
export function checkSignature(
  entry: ModelEntry,
  inputs: readonly ort.InferenceSession.ValueMetadata[],
  outputs: readonly ort.InferenceSession.ValueMetadata[],
): ModelSignature {
  const fail = (message: string) =>
    new EngineError('MODEL_INVALID', `Model file for "${entry.id}" does not fit the manifest: ${message}`, {
      details: { id: entry.id },
    });
  if (inputs.length !== 1) {
    throw fail(
      `it has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}), expected exactly 1`,
    );
  }
  const input = inputs[0];
  const output = outputs[0];
  if (input === undefined || !input.isTensor) throw fail('its input is not a tensor');
  if (output === undefined || !output.isTensor) throw fail('its first output is not a tensor');
  if (input.type !== 'float32') throw fail(`input "${input.name}" is ${input.type}, expected float32`);
  if (output.type !== 'float32') throw fail(`output "${output.name}" is ${output.type}, expected float32`);
  const wantIn = expectedInputShape(entry);
  const inProblem = mismatch(input.shape, wantIn);
  if (inProblem !== undefined) {
    throw fail(`input "${input.name}" ${show(input.shape)} ${inProblem} (${inputInWords(entry, wantIn)})`);
  }
  const wantOut = expectedOutputShape(entry);
  const outProblem = mismatch(output.shape, wantOut);
  if (outProblem !== undefined) {
    const what =
      entry.task === 'embed'
        ? `a ${entry.output.dim}-d embedding`
        : entry.task === 'local-features'
          ? `a score map and ${entry.output.dim}-d descriptor maps`
          : `${entry.output.format} detections`;
    throw fail(`output "${output.name}" ${show(output.shape)} ${outProblem} (${what} ${show(wantOut)})`);
  }
  return {
    inputName: input.name,
    inputShape: input.shape,
    outputName: output.name,
    outputShape: output.shape,
  };
}

/** Loads the file on CPU (the provider every machine has), checks it, and releases the session. */
export async function validateModelFile(file: string, entry: ModelEntry): Promise<ModelSignature> {
  const site = new Error();
  let session: ort.InferenceSession;
  try {
    // Validation is a one-off load: no graph optimisation work worth paying for, one thread.
    session = await ort.InferenceSession.create(file, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'disabled',
      intraOpNumThreads: 1,
      logSeverityLevel: 3,
    });
  } catch (error) {
    throw nativeError(site, 'MODEL_INVALID', `File for "${entry.id}" is not a loadable ONNX model`, error, {
      id: entry.id,
      file,
    });
  }
  try {
    return checkSignature(entry, session.inputMetadata, session.outputMetadata);
  } finally {
    await session.release();
  }
}
