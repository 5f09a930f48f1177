/**
 * Reads a PyTorch `state_dict` file (`torch.save`, zip format) without Python: a zip archive of stored (uncompressed)
 * entries, `<root>/data.pkl` naming each tensor's storage, shape and stride, and `<root>/data/<key>` holding the
 * little-endian storage bytes. Only the pickle opcodes that `torch.save` writes for a plain state_dict of float and
 * integer tensors are understood; anything else (a pickled model class, a compressed entry) is refused by name, so a
 * wrong file fails with a clear MODEL_INVALID instead of executing or guessing.
 */
import { EngineError } from '../../errors';

export interface StateTensor {
  shape: number[];
  /** Float tensors as float32; integer ones (BatchNorm's num_batches_tracked) as float64 values. */
  values: Float32Array | Float64Array;
}

export type StateDict = Map<string, StateTensor>;

function invalid(file: string, why: string): EngineError {
  return new EngineError('MODEL_INVALID', `${file} is not a PyTorch state_dict this app can read: ${why}`, {
    details: { file },
  });
}

/** The entries of a zip archive, by name; only stored (method 0) entries can be read. */
function zipEntries(bytes: Buffer, file: string): Map<string, Buffer> {
  // The end-of-central-directory record sits in the last 64 KiB + 22 bytes.
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65_557); i -= 1) {
    if (bytes.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw invalid(file, 'no zip directory (a legacy or truncated file)');
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const entries = new Map<string, Buffer>();
  for (let n = 0; n < count; n += 1) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== 0x02014b50) {
      throw invalid(file, 'a damaged zip directory');
    }
    const method = bytes.readUInt16LE(at + 10);
    const size = bytes.readUInt32LE(at + 20);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    const local = bytes.readUInt32LE(at + 42);
    const name = bytes.toString('utf8', at + 46, at + 46 + nameLength);
    if (method !== 0) throw invalid(file, `entry ${name} is compressed (method ${method})`);
    if (local + 30 > bytes.length || bytes.readUInt32LE(local) !== 0x04034b50) {
      throw invalid(file, `entry ${name} has no local header`);
    }
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    if (start + size > bytes.length) throw invalid(file, `entry ${name} runs past the end of the file`);
    entries.set(name, bytes.subarray(start, start + size));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

const MARK = Symbol('mark');
type Global = { global: string };
type Persistent = { storage: string; dtype: string; key: string };
type PickleValue =
  | string
  | number
  | boolean
  | null
  | PickleValue[]
  | Map<PickleValue, PickleValue>
  | Global
  | Persistent
  | StateTensor
  | typeof MARK;

const STORAGE_TYPES: Record<string, 'float32' | 'int64'> = {
  'torch FloatStorage': 'float32',
  'torch LongStorage': 'int64',
};

function isGlobal(v: PickleValue): v is Global {
  return typeof v === 'object' && v !== null && 'global' in v;
}

/**
 * Unpickles data.pkl into the state_dict, resolving each tensor's storage from `storage(key)`. The protocol-2
 * subset torch.save writes: an OrderedDict of `_rebuild_tensor_v2(persistent storage, offset, size, stride, …)`.
 */
function unpickle(pickle: Buffer, storage: (key: string) => Buffer, file: string): StateDict {
  const stack: PickleValue[] = [];
  const memo = new Map<number, PickleValue>();
  let i = 0;
  const popMark = (): PickleValue[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) throw invalid(file, 'a pickle without its mark');
    return stack.splice(at).slice(1);
  };
  const pop = (): PickleValue => {
    if (stack.length === 0) throw invalid(file, 'a pickle that pops an empty stack');
    return stack.pop() as PickleValue;
  };
  const line = (): string => {
    const end = pickle.indexOf(0x0a, i);
    if (end < 0) throw invalid(file, 'a truncated pickle');
    const text = pickle.toString('latin1', i, end);
    i = end + 1;
    return text;
  };
  while (i < pickle.length) {
    const op = pickle[i++];
    switch (op) {
      case 0x80: // PROTO
        i += 1;
        break;
      case 0x63: // GLOBAL "module\nname\n"
        stack.push({ global: `${line()} ${line()}` });
        break;
      case 0x71: // BINPUT
        memo.set(pickle.readUInt8(i), stack.at(-1) ?? null);
        i += 1;
        break;
      case 0x72: // LONG_BINPUT
        memo.set(pickle.readUInt32LE(i), stack.at(-1) ?? null);
        i += 4;
        break;
      case 0x68: // BINGET
        stack.push(memo.get(pickle.readUInt8(i)) ?? null);
        i += 1;
        break;
      case 0x6a: // LONG_BINGET
        stack.push(memo.get(pickle.readUInt32LE(i)) ?? null);
        i += 4;
        break;
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x74: // TUPLE
        stack.push(popMark());
        break;
      case 0x85: // TUPLE1
        stack.push([pop()]);
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push([pop(), b]);
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push([pop(), b, c]);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x58: {
        // BINUNICODE
        const length = pickle.readUInt32LE(i);
        stack.push(pickle.toString('utf8', i + 4, i + 4 + length));
        i += 4 + length;
        break;
      }
      case 0x4b: // BININT1
        stack.push(pickle.readUInt8(i));
        i += 1;
        break;
      case 0x4d: // BININT2
        stack.push(pickle.readUInt16LE(i));
        i += 2;
        break;
      case 0x4a: // BININT
        stack.push(pickle.readInt32LE(i));
        i += 4;
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x51: {
        // BINPERSID: ('storage', storage type, key, location, size)
        const id = pop();
        const [kind, type, key] = Array.isArray(id) ? id : [];
        if (kind !== 'storage' || !isGlobal(type as PickleValue) || typeof key !== 'string') {
          throw invalid(file, 'a persistent id that is not a tensor storage');
        }
        stack.push({ storage: 'storage', dtype: (type as Global).global, key });
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const callable = pop();
        if (!isGlobal(callable) || !Array.isArray(args)) throw invalid(file, 'a call of something unknown');
        if (callable.global === 'collections OrderedDict') stack.push(new Map());
        else if (callable.global === 'torch._utils _rebuild_tensor_v2')
          stack.push(rebuildTensor(args, storage, file));
        else throw invalid(file, `it calls ${callable.global}, which a plain state_dict never does`);
        break;
      }
      case 0x73: {
        // SETITEM
        const value = pop();
        const key = pop();
        const dict = stack.at(-1);
        if (!(dict instanceof Map)) throw invalid(file, 'an item set on something that is not a dict');
        dict.set(key, value);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        const dict = stack.at(-1);
        if (!(dict instanceof Map)) throw invalid(file, 'items set on something that is not a dict');
        for (let k = 0; k + 1 < items.length; k += 2) dict.set(items[k] ?? null, items[k + 1] ?? null);
        break;
      }
      case 0x62: // BUILD: the OrderedDict's _metadata attribute, which a state_dict does not need.
        pop();
        break;
      case 0x2e: {
        // STOP
        const result = pop();
        if (!(result instanceof Map)) throw invalid(file, 'the pickle is not a dict of tensors');
        const dict: StateDict = new Map();
        for (const [key, value] of result) {
          if (typeof key === 'string' && typeof value === 'object' && value !== null && 'shape' in value) {
            dict.set(key, value);
          }
        }
        return dict;
      }
      default:
        throw invalid(
          file,
          `pickle opcode 0x${(op ?? 0).toString(16)} at byte ${i - 1} is not one torch.save writes`,
        );
    }
  }
  throw invalid(file, 'the pickle has no end');
}

function rebuildTensor(args: PickleValue[], storage: (key: string) => Buffer, file: string): StateTensor {
  const [source, offset, size, stride] = args;
  if (
    typeof source !== 'object' ||
    source === null ||
    !('storage' in source) ||
    typeof offset !== 'number' ||
    !Array.isArray(size) ||
    !Array.isArray(stride)
  ) {
    throw invalid(file, 'a tensor without storage, offset, size and stride');
  }
  const shape = size.map(Number);
  const dtype = STORAGE_TYPES[source.dtype];
  if (dtype === undefined) throw invalid(file, `tensor storage ${source.dtype} is not float32 or int64`);
  // Contiguous row-major only: what a state_dict of a trained network holds.
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d -= 1) {
    if ((shape[d] ?? 0) > 1 && Number(stride[d]) !== expected) throw invalid(file, 'a non-contiguous tensor');
    expected *= shape[d] ?? 1;
  }
  const bytes = storage(source.key);
  const itemSize = dtype === 'float32' ? 4 : 8;
  const count = shape.reduce((a, b) => a * b, 1);
  if ((offset + count) * itemSize > bytes.length) throw invalid(file, `storage ${source.key} is too short`);
  const start = offset * itemSize;
  if (dtype === 'float32') {
    const values = new Float32Array(count);
    for (let k = 0; k < count; k += 1) values[k] = bytes.readFloatLE(start + 4 * k);
    return { shape, values };
  }
  const values = new Float64Array(count);
  for (let k = 0; k < count; k += 1) values[k] = Number(bytes.readBigInt64LE(start + 8 * k));
  return { shape, values };
}

/** The tensors of a `torch.save`d state_dict, by parameter name, in file order. */
export function readStateDict(bytes: Buffer, file: string): StateDict {
  const entries = zipEntries(bytes, file);
  const pickleName = [...entries.keys()].find((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (pickleName === undefined) throw invalid(file, 'no data.pkl in the archive');
  const root = pickleName.slice(0, -'data.pkl'.length);
  return unpickle(
    entries.get(pickleName) ?? Buffer.alloc(0),
    (key) => {
      const data = entries.get(`${root}data/${key}`);
      if (data === undefined) throw invalid(file, `storage ${key} is missing`);
      return data;
    },
    file,
  );
}
