import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { messageOf } from '../errors';

/**
 * Which execution provider the local engine uses. onnxruntime-node lists 'cuda' even when the CUDA provider
 * libraries are absent, and ['cuda','cpu'] then throws instead of falling back (PLATFORM-NOTES), so CUDA is
 * detected by its library files plus a tiny session created with ['cuda'] only.
 */

export type ExecutionProviderName = 'cuda' | 'cpu';

/** In descending order of preference (Immich's pattern), filtered by what this machine can load. */
export const PROVIDER_PREFERENCE: readonly ExecutionProviderName[] = ['cuda', 'cpu'];

export interface ProviderStatus {
  provider: ExecutionProviderName;
  /** One sentence a user can act on: why this provider and not the preferred one. */
  reason: string;
  /** The preference list this status was chosen from. */
  preference: readonly ExecutionProviderName[];
  /** True when CUDA was installed but failed to load: a real fallback, logged as a warning. */
  fallback: boolean;
}

/**
 * Identity over float32 [1]: the smallest model that makes the runtime load a provider. These are the bytes
 * test/support/onnx `identityModel()` builds (a test pins that they are equal), so nothing opaque ships here.
 */
const PROBE_MODEL_BASE64 =
  'CAgSFHRpZ2VyaWQtdGVzdC1idWlsZGVyOkcKHAoBeBIBeRoKSWRlbnRpdHlfMCIISWRlbnRpdHkSBXByb2JlWg8KAXgSCgoICAESBAoCCAFiDwoBeRIKCggIARIECgIIAUIECgAQDQ==';

export function probeModelBytes(): Uint8Array {
  return new Uint8Array(Buffer.from(PROBE_MODEL_BASE64, 'base64'));
}

/**
 * The one command that fetches onnxruntime's CUDA provider (build/setup-cuda.mjs); the README's GPU set-up gives the
 * same (a test pins it).
 */
export const CUDA_SETUP_COMMAND = 'npm run setup:cuda';

/** The folder holding onnxruntime_binding.node, where `npm run setup:cuda` puts the CUDA provider. */
export function onnxruntimeBindingDir(): string {
  const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
  return join(dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

function cudaLibraryNames(platform: NodeJS.Platform): string[] | undefined {
  if (platform === 'linux') return ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'];
  if (platform === 'win32') return ['onnxruntime_providers_shared.dll', 'onnxruntime_providers_cuda.dll'];
  return undefined;
}

export interface ProbeOptions {
  preference?: readonly ExecutionProviderName[];
  bindingDir?: string;
  platform?: NodeJS.Platform;
}

/** Decides the provider once; never throws (a failed probe is a reason to use the CPU). */
export async function chooseExecutionProvider(options: ProbeOptions = {}): Promise<ProviderStatus> {
  const preference = options.preference ?? PROVIDER_PREFERENCE;
  const cpu = (reason: string, fallback = false): ProviderStatus => ({
    provider: 'cpu',
    reason,
    preference,
    fallback,
  });
  if (!preference.includes('cuda')) return cpu('CUDA is not in the configured provider preference');
  const platform = options.platform ?? process.platform;
  const names = cudaLibraryNames(platform);
  if (names === undefined) return cpu(`onnxruntime has no CUDA provider on ${platform}`);
  const dir = options.bindingDir ?? onnxruntimeBindingDir();
  const missing = names.filter((name) => !existsSync(join(dir, name)));
  if (missing.length > 0) {
    return cpu(
      `CUDA provider library ${missing.join(', ')} not found in ${dir} (with CUDA 12 and cuDNN 9 installed, run "${CUDA_SETUP_COMMAND}" once on a machine with internet)`,
    );
  }
  let session: ort.InferenceSession | undefined;
  try {
    // ['cuda'] alone: with 'cpu' listed too, a broken CUDA install would silently run the probe on CPU.
    session = await ort.InferenceSession.create(probeModelBytes(), {
      executionProviders: ['cuda'],
      logSeverityLevel: 4,
    });
    await session.run({ x: new ort.Tensor('float32', new Float32Array([1]), [1]) });
    return { provider: 'cuda', reason: `CUDA provider loaded from ${dir}`, preference, fallback: false };
  } catch (error) {
    return cpu(`CUDA provider found in ${dir} but failed to load: ${messageOf(error).split('\n')[0]}`, true);
  } finally {
    await session?.release().catch(() => undefined);
  }
}
