import * as ort from 'onnxruntime-node';
import { z } from 'zod';
import { sha256File } from '../../../electron/core/sha256';
import type { ModalHandler } from './fake-modal';

/**
 * The methods models/modal_app.py serves, run here by onnxruntime-node on the same ONNX file: `run(tensor, shape)`
 * returns {model_id, model_sha256, dims, output, provider} for the model's first output; `info()` describes it.
 */

/** What onnxruntime's Python API names the CPU provider (modal_app.py reports the session's provider). */
const PROVIDER = 'CPUExecutionProvider';

export interface ServedModel {
  id: string;
  sha256: string;
  session: ort.InferenceSession;
}

/** A Python-style exception: the fake reports it as `TensorInputError('…')`, as Modal reports repr(exc). */
class TensorInputError extends Error {
  override readonly name = 'TensorInputError';
}

const methodArgs = z.tuple([z.instanceof(Uint8Array), z.array(z.number().int().positive()).min(1)]);

async function run(model: ServedModel, args: unknown[]): Promise<unknown> {
  const parsed = methodArgs.safeParse(args);
  if (!parsed.success)
    throw new TensorInputError(`Expected (tensor: bytes, shape: list[int]) but received ${args.length} args`);
  const [bytes, dims] = parsed.data;
  const needed = dims.reduce((a, b) => a * b, 1) * 4;
  if (bytes.length !== needed) {
    throw new TensorInputError(
      `Tensor has ${bytes.length} bytes but shape [${dims.join(',')}] needs ${needed} (4 bytes per float32)`,
    );
  }
  const { session } = model;
  const [inputName] = session.inputNames;
  const [outputName] = session.outputNames;
  if (!inputName || !outputName) throw new Error('model has no input or no output');
  // Copy: the decoded bytes may sit at an offset that is not 4-byte aligned.
  const input = new Float32Array(new Uint8Array(bytes).buffer);
  const outputs = await session.run({ [inputName]: new ort.Tensor('float32', input, dims) });
  const output = outputs[outputName];
  if (!output || output.type !== 'float32') throw new Error(`model output ${outputName} is not float32`);
  const data = output.data as Float32Array;
  return {
    model_id: model.id,
    model_sha256: model.sha256,
    dims: output.dims,
    output: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)),
    provider: PROVIDER,
  };
}

async function info(model: ServedModel): Promise<unknown> {
  return {
    model_id: model.id,
    sha256: model.sha256,
    input_name: model.session.inputNames[0],
    output_name: model.session.outputNames[0],
    provider: PROVIDER,
    onnxruntime: ort.env.versions.common,
  };
}

export async function loadServedModel(file: string, id: string): Promise<ServedModel> {
  return { id, sha256: await sha256File(file), session: await ort.InferenceSession.create(file) };
}

/** The Modal class's methods for one model, as fake handlers. */
export function modelMethods(model: ServedModel): Record<string, ModalHandler> {
  return { run: (args) => run(model, args), info: () => info(model) };
}
