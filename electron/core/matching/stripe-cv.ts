/**
 * The slice of OpenCV.js (WASM) the stripe matcher uses, typed by hand: the package's bundled typings are
 * incomplete (no AKAZE) and its module object is an Emscripten "thenable" that must never be awaited directly.
 * It is loaded with `require`, not `import`: ESM loaders (Vitest's among them) await the namespace of a
 * CommonJS module, and awaiting this thenable recurses forever (the process hangs at import time).
 */
import { createRequire } from 'node:module';

export interface Mat {
  readonly rows: number;
  readonly cols: number;
  readonly data: Uint8Array;
  readonly data32F: Float32Array;
  readonly data64F: Float64Array;
  delete(): void;
}

export interface KeyPoint {
  pt: { x: number; y: number };
  size: number;
  angle: number;
  response: number;
  octave: number;
}

export interface KeyPointVector {
  size(): number;
  get(i: number): KeyPoint;
  delete(): void;
}

export interface DMatch {
  queryIdx: number;
  trainIdx: number;
  distance: number;
}

export interface DMatchVector {
  size(): number;
  get(i: number): DMatch;
  delete(): void;
}

export interface DMatchVectorVector {
  size(): number;
  get(i: number): DMatchVector;
  delete(): void;
}

export interface Akaze {
  setThreshold(t: number): void;
  detectAndCompute(image: Mat, mask: Mat, keypoints: KeyPointVector, descriptors: Mat): void;
  delete(): void;
}

export interface BfMatcher {
  knnMatch(query: Mat, train: Mat, matches: DMatchVectorVector, k: number): void;
  delete(): void;
}

export interface Size {
  width: number;
  height: number;
}

export interface OpenCv {
  Mat: new (...args: number[]) => Mat;
  Size: new (width: number, height: number) => Size;
  KeyPointVector: new () => KeyPointVector;
  DMatchVectorVector: new () => DMatchVectorVector;
  AKAZE: new () => Akaze;
  BFMatcher: new (normType: number, crossCheck: boolean) => BfMatcher;
  matFromArray(rows: number, cols: number, type: number, array: ArrayLike<number>): Mat;
  resize(src: Mat, dst: Mat, size: Size, fx: number, fy: number, interpolation: number): void;
  cvtColor(src: Mat, dst: Mat, code: number): void;
  findHomography(src: Mat, dst: Mat, method: number, threshold: number, mask: Mat): Mat;
  CV_8UC1: number;
  CV_8UC3: number;
  CV_32FC2: number;
  NORM_HAMMING: number;
  INTER_AREA: number;
  INTER_LINEAR: number;
  COLOR_RGB2GRAY: number;
  RANSAC: number;
}

/** Boxed so that no Promise ever resolves *to* the Emscripten module (its `then` would recurse forever). */
export interface OpenCvBox {
  readonly cv: OpenCv;
}

interface EmscriptenModule {
  then?: (onReady: (module: unknown) => void) => unknown;
  onRuntimeInitialized?: () => void;
  Mat?: unknown;
}

let loading: Promise<OpenCvBox> | undefined;

/** Initialises the WASM runtime once; every caller shares the same promise. */
export function loadOpenCv(): Promise<OpenCvBox> {
  loading ??= new Promise<OpenCvBox>((resolve, reject) => {
    const exported: unknown = createRequire(import.meta.url)('@techstark/opencv-js');
    if (exported instanceof Promise) {
      // Some builds export a real Promise of the module: box the value before it can be assimilated again.
      exported.then((cv: unknown) => resolve({ cv: cv as OpenCv }), reject);
      return;
    }
    const mod = exported as EmscriptenModule;
    if (typeof mod.Mat === 'function') {
      resolve({ cv: mod as unknown as OpenCv });
    } else if (typeof mod.then === 'function') {
      mod.then((cv) => resolve({ cv: cv as OpenCv }));
    } else {
      const previous = mod.onRuntimeInitialized;
      mod.onRuntimeInitialized = () => {
        previous?.();
        resolve({ cv: mod as unknown as OpenCv });
      };
    }
  });
  return loading;
}

/** Runs `body` with Mats that are always freed: WASM memory is not garbage-collected. */
export function withMats<T>(mats: readonly { delete(): void }[], body: () => T): T {
  try {
    return body();
  } finally {
    for (const m of mats) m.delete();
  }
}
