import protobuf from 'protobufjs';
import { ONNX_PROTO_SUBSET } from './onnx-proto';

/**
 * Builds ONNX ModelProto bytes in JS: the networks the app converts from published weights (ALIKE) and the test
 * models whose outputs are known by construction (onnxruntime takes such bytes directly). Only float32/int64
 * tensors are needed.
 */

/** A dimension is a fixed size or a symbolic name (e.g. 'batch'). */
export type Dim = number | string;

export interface ValueSpec {
  name: string;
  /** 'float32' unless stated. */
  type?: 'float32' | 'int64';
  dims: Dim[];
}

export type AttributeValue = number | number[] | string | { ints: number[] } | { floats: number[] };

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  /** Integers and floats are told apart by the JS value: use `{floats:[…]}` / a non-integer for FLOAT(S). */
  attributes?: Record<string, AttributeValue>;
}

export interface InitializerSpec {
  name: string;
  type?: 'float32' | 'int64';
  dims: number[];
  values: ArrayLike<number>;
}

export interface ModelSpec {
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  nodes: NodeSpec[];
  initializers?: InitializerSpec[];
  /** Default-domain opset; 13 keeps ReduceSum's axes an input and is supported by every onnxruntime we use. */
  opset?: number;
  /** IR version 8 pairs with opset 13..17. */
  irVersion?: number;
  graphName?: string;
  /** Who wrote the file (ModelProto.producer_name). */
  producer?: string;
}

const ELEM_TYPE = { float32: 1, int64: 7 } as const;
const ATTR_TYPE = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

let cachedModelType: protobuf.Type | undefined;
function modelType(): protobuf.Type {
  cachedModelType ??= protobuf
    .parse(ONNX_PROTO_SUBSET, { keepCase: true })
    .root.lookupType('onnx.ModelProto');
  return cachedModelType;
}

function valueInfo(spec: ValueSpec) {
  return {
    name: spec.name,
    type: {
      tensor_type: {
        elem_type: ELEM_TYPE[spec.type ?? 'float32'],
        shape: { dim: spec.dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}

function attribute(name: string, value: AttributeValue) {
  if (typeof value === 'string') return { name, type: ATTR_TYPE.STRING, s: Buffer.from(value, 'utf8') };
  if (typeof value === 'number') {
    return Number.isInteger(value)
      ? { name, type: ATTR_TYPE.INT, i: value }
      : { name, type: ATTR_TYPE.FLOAT, f: value };
  }
  if (Array.isArray(value)) return { name, type: ATTR_TYPE.INTS, ints: value };
  if ('ints' in value) return { name, type: ATTR_TYPE.INTS, ints: value.ints };
  return { name, type: ATTR_TYPE.FLOATS, floats: value.floats };
}

function tensor(spec: InitializerSpec) {
  const count = spec.dims.reduce((a, b) => a * b, 1);
  if (spec.values.length !== count) {
    throw new RangeError(
      `Initializer ${spec.name}: dims ${JSON.stringify(spec.dims)} need ${count} values, got ${spec.values.length}`,
    );
  }
  const type = spec.type ?? 'float32';
  // raw_data is little-endian bytes, the form real exporters write.
  const raw =
    type === 'float32'
      ? Buffer.from(Float32Array.from(spec.values).buffer)
      : Buffer.from(BigInt64Array.from(Array.from(spec.values, (v) => BigInt(v))).buffer);
  return { name: spec.name, dims: spec.dims, data_type: ELEM_TYPE[type], raw_data: raw };
}

export function buildModel(spec: ModelSpec): Uint8Array {
  const Model = modelType();
  const message = {
    ir_version: spec.irVersion ?? 8,
    producer_name: spec.producer ?? 'tigerid-test-builder',
    opset_import: [{ domain: '', version: spec.opset ?? 13 }],
    graph: {
      name: spec.graphName ?? 'test_graph',
      node: spec.nodes.map((n, index) => ({
        name: n.name ?? `${n.op}_${index}`,
        op_type: n.op,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attributes ?? {}).map(([name, value]) => attribute(name, value)),
      })),
      initializer: (spec.initializers ?? []).map(tensor),
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
    },
  };
  const invalid = Model.verify(message);
  if (invalid) throw new TypeError(`ONNX model spec does not fit ModelProto: ${invalid}`);
  return Model.encode(Model.fromObject(message)).finish();
}
