/**
 * ALIKE (Zhao et al., IEEE TMM 2022, arXiv 2112.02906) as an ONNX graph, built from the published state_dict by our
 * own code: no Python, no exporter. The network is the paper's ALNet: four encoder blocks (a plain conv block, then
 * three residual blocks behind 2×, 4× and 4× max-pooling), each block's features squeezed to dim/4 channels by a 1×1
 * conv, upsampled bilinearly (align_corners) to full resolution and concatenated, then a 1×1 head (two for the
 * large model) giving dim descriptor channels and one score channel. BatchNorm is folded into the conv before it
 * (inference statistics), which changes outputs by float rounding only.
 *
 * One output, `features` [1, 1 + dim, H, W]: channel 0 the keypoint score map (sigmoid), channels 1… the descriptor
 * map, L2-normalised per pixel. H and W must be multiples of 32 (the encoder pools by 32 in all).
 */
import { EngineError } from '../../errors';
import { buildModel, type InitializerSpec, type NodeSpec } from '../onnx-writer/build-model';
import type { StateDict, StateTensor } from './torch-state-dict';

export const ALIKE_INPUT = 'image';
export const ALIKE_OUTPUT = 'features';
/** The encoder pools by 2 · 4 · 4: input sides must be multiples of this. */
export const ALIKE_STRIDE = 32;
const BATCH_NORM_EPSILON = 1e-5;
/** torch.nn.functional.normalize's floor on the norm: a zero descriptor stays zero instead of NaN. */
const NORM_EPSILON = 1e-12;

/** The sizes a state_dict fixes (the paper's configurations t, s, n and l differ only in these). */
export interface AlikeShape {
  c1: number;
  c2: number;
  c3: number;
  c4: number;
  dim: number;
  /** One 1×1 head (t, s, n) or a 1×1 conv + ReLU before it (l). */
  singleHead: boolean;
}

export function alikeShape(state: StateDict, file: string): AlikeShape {
  const out = (key: string) => tensor(state, key, file).shape[0] ?? 0;
  const dim = out('convhead2.weight') - 1;
  return {
    c1: out('block1.conv1.weight'),
    c2: out('block2.conv1.weight'),
    c3: out('block3.conv1.weight'),
    c4: out('block4.conv1.weight'),
    dim,
    singleHead: !state.has('convhead1.weight'),
  };
}

function tensor(state: StateDict, key: string, file: string, shape?: readonly number[]): StateTensor {
  const found = state.get(key);
  if (found === undefined) {
    throw new EngineError('MODEL_INVALID', `${file} is not an ALIKE state_dict: it has no ${key}`, {
      details: { file, key },
    });
  }
  if (
    shape !== undefined &&
    (found.shape.length !== shape.length || found.shape.some((d, i) => d !== shape[i]))
  ) {
    throw new EngineError(
      'MODEL_INVALID',
      `${file} is not an ALIKE state_dict: ${key} is [${found.shape.join(', ')}], ALNet needs [${shape.join(', ')}]`,
      { details: { file, key } },
    );
  }
  return found;
}

/** Builds the ONNX bytes; the same state_dict always gives the same bytes (no names, times or random ids). */
export function alikeOnnx(state: StateDict, file: string): Uint8Array {
  const shape = alikeShape(state, file);
  const { c1, c2, c3, c4, dim } = shape;
  const nodes: NodeSpec[] = [];
  const initializers: InitializerSpec[] = [];
  const weight = (name: string, values: Float32Array | Float64Array, dims: number[]) => {
    initializers.push({ name, dims, values });
    return name;
  };

  /** conv (3×3 padded or 1×1), with its BatchNorm folded in when `bn` is given, then ReLU when `relu`. */
  const conv = (
    input: string,
    key: string,
    inChannels: number,
    outChannels: number,
    options: { kernel: 1 | 3; bn?: string; bias?: boolean; relu?: boolean },
  ): string => {
    const k = options.kernel;
    const w = tensor(state, `${key}.weight`, file, [outChannels, inChannels, k, k]);
    let kernel: Float32Array = Float32Array.from(w.values);
    let bias: Float32Array | undefined =
      options.bias === true
        ? Float32Array.from(tensor(state, `${key}.bias`, file, [outChannels]).values)
        : undefined;
    if (options.bn !== undefined) {
      const gamma = tensor(state, `${options.bn}.weight`, file, [outChannels]).values;
      const beta = tensor(state, `${options.bn}.bias`, file, [outChannels]).values;
      const mean = tensor(state, `${options.bn}.running_mean`, file, [outChannels]).values;
      const variance = tensor(state, `${options.bn}.running_var`, file, [outChannels]).values;
      const perOut = inChannels * k * k;
      const folded = new Float32Array(kernel.length);
      bias = new Float32Array(outChannels);
      for (let o = 0; o < outChannels; o += 1) {
        const scale = (gamma[o] ?? 0) / Math.sqrt((variance[o] ?? 0) + BATCH_NORM_EPSILON);
        for (let j = 0; j < perOut; j += 1) folded[o * perOut + j] = (kernel[o * perOut + j] ?? 0) * scale;
        bias[o] = (beta[o] ?? 0) - (mean[o] ?? 0) * scale;
      }
      kernel = folded;
    }
    const inputs = [input, weight(`${key}.w`, kernel, [outChannels, inChannels, k, k])];
    if (bias !== undefined) inputs.push(weight(`${key}.b`, bias, [outChannels]));
    const convOut = `${key}.conv`;
    nodes.push({
      op: 'Conv',
      name: key,
      inputs,
      outputs: [convOut],
      attributes: { kernel_shape: [k, k], pads: k === 3 ? [1, 1, 1, 1] : [0, 0, 0, 0], strides: [1, 1] },
    });
    if (options.relu !== true) return convOut;
    nodes.push({ op: 'Relu', name: `${key}.relu`, inputs: [convOut], outputs: [`${key}.out`] });
    return `${key}.out`;
  };

  const maxPool = (input: string, size: number, name: string): string => {
    nodes.push({
      op: 'MaxPool',
      name,
      inputs: [input],
      outputs: [name],
      attributes: { kernel_shape: [size, size], strides: [size, size] },
    });
    return name;
  };

  /** torchvision's BasicBlock with a 1×1 conv (with bias) on the identity path. */
  const residual = (input: string, block: string, inChannels: number, outChannels: number): string => {
    const first = conv(input, `${block}.conv1`, inChannels, outChannels, {
      kernel: 3,
      bn: `${block}.bn1`,
      relu: true,
    });
    const second = conv(first, `${block}.conv2`, outChannels, outChannels, { kernel: 3, bn: `${block}.bn2` });
    const identity = conv(input, `${block}.downsample`, inChannels, outChannels, { kernel: 1, bias: true });
    nodes.push({ op: 'Add', name: `${block}.add`, inputs: [second, identity], outputs: [`${block}.sum`] });
    nodes.push({ op: 'Relu', name: `${block}.relu`, inputs: [`${block}.sum`], outputs: [`${block}.out`] });
    return `${block}.out`;
  };

  const upsample = (input: string, factor: number, name: string): string => {
    if (factor === 1) return input;
    nodes.push({
      op: 'Resize',
      name,
      inputs: [input, '', weight(`${name}.scales`, Float32Array.of(1, 1, factor, factor), [4])],
      outputs: [name],
      attributes: { mode: 'linear', coordinate_transformation_mode: 'align_corners' },
    });
    return name;
  };

  const x1 = conv(
    conv(ALIKE_INPUT, 'block1.conv1', 3, c1, { kernel: 3, bn: 'block1.bn1', relu: true }),
    'block1.conv2',
    c1,
    c1,
    { kernel: 3, bn: 'block1.bn2', relu: true },
  );
  const x2 = residual(maxPool(x1, 2, 'pool2'), 'block2', c1, c2);
  const x3 = residual(maxPool(x2, 4, 'pool4a'), 'block3', c2, c3);
  const x4 = residual(maxPool(x3, 4, 'pool4b'), 'block4', c3, c4);
  const quarter = dim / 4;
  const squeezed = [
    upsample(conv(x1, 'conv1', c1, quarter, { kernel: 1, relu: true }), 1, 'up1'),
    upsample(conv(x2, 'conv2', c2, quarter, { kernel: 1, relu: true }), 2, 'up2'),
    upsample(conv(x3, 'conv3', c3, quarter, { kernel: 1, relu: true }), 8, 'up8'),
    upsample(conv(x4, 'conv4', c4, quarter, { kernel: 1, relu: true }), 32, 'up32'),
  ];
  nodes.push({
    op: 'Concat',
    name: 'aggregate',
    inputs: squeezed,
    outputs: ['aggregate'],
    attributes: { axis: 1 },
  });
  const headInput = shape.singleHead
    ? 'aggregate'
    : conv('aggregate', 'convhead1', dim, dim, { kernel: 1, relu: true });

  // convhead2 is one 1×1 conv with dim + 1 outputs: its rows split into the descriptor head and the score head.
  const head = tensor(state, 'convhead2.weight', file, [dim + 1, dim, 1, 1]).values;
  initializers.push(
    { name: 'head.descriptor.w', dims: [dim, dim, 1, 1], values: head.subarray(0, dim * dim) },
    { name: 'head.score.w', dims: [1, dim, 1, 1], values: head.subarray(dim * dim) },
  );
  nodes.push(
    {
      op: 'Conv',
      name: 'head.descriptor',
      inputs: [headInput, 'head.descriptor.w'],
      outputs: ['raw_descriptors'],
    },
    { op: 'Conv', name: 'head.score', inputs: [headInput, 'head.score.w'], outputs: ['raw_scores'] },
    { op: 'Sigmoid', name: 'scores', inputs: ['raw_scores'], outputs: ['scores'] },
    {
      op: 'ReduceL2',
      name: 'descriptor_norm',
      inputs: ['raw_descriptors'],
      outputs: ['descriptor_norm'],
      attributes: { axes: [1], keepdims: 1 },
    },
    {
      op: 'Max',
      name: 'descriptor_norm_floor',
      inputs: ['descriptor_norm', weight('norm_epsilon', Float32Array.of(NORM_EPSILON), [])],
      outputs: ['descriptor_norm_floor'],
    },
    {
      op: 'Div',
      name: 'descriptors',
      inputs: ['raw_descriptors', 'descriptor_norm_floor'],
      outputs: ['descriptors'],
    },
    {
      op: 'Concat',
      name: ALIKE_OUTPUT,
      inputs: ['scores', 'descriptors'],
      outputs: [ALIKE_OUTPUT],
      attributes: { axis: 1 },
    },
  );
  return buildModel({
    inputs: [{ name: ALIKE_INPUT, dims: [1, 3, 'height', 'width'] }],
    outputs: [{ name: ALIKE_OUTPUT, dims: [1, 1 + dim, 'height', 'width'] }],
    nodes,
    initializers,
    graphName: 'alike',
    producer: 'tigerid-alike-converter',
  });
}
