import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import type * as Modal from 'modal';
import { linearEmbedderModel } from '../support/onnx/test-models';
import { tempDir } from '../support/temp-dir';

// The fake as a separate process serving a real ONNX model, called through the real SDK.

const ROOT = join(import.meta.dirname, '..', '..');
const SCRIPT = join(ROOT, 'test', 'fakes', 'modal', 'serve-fake-modal.ts');
const TOKEN = { id: 'ak-serve', secret: 'as-serve' };

let dir: ReturnType<typeof tempDir>;
let server: ChildProcess;
let url: string;
let modal: typeof Modal;
let modelSha256: string;

beforeAll(async () => {
  dir = tempDir('tigerid-fake-modal-');
  const model = join(dir.path, 'embedder.onnx');
  // embedding = channel means × [[1,0,0,1],[0,1,0,1],[0,0,1,1]] = [r, g, b, r+g+b]
  const bytes = linearEmbedderModel(8, 8, [
    [1, 0, 0, 1],
    [0, 1, 0, 1],
    [0, 0, 1, 1],
  ]);
  writeFileSync(model, bytes);
  modelSha256 = createHash('sha256').update(bytes).digest('hex');
  server = spawn(
    process.execPath,
    [
      ...['--import', 'tsx', SCRIPT, '--model', model, '--model-id', 'megadescriptor-t-224'],
      ...['--token-id', TOKEN.id, '--token-secret', TOKEN.secret],
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [line] = (await once(createInterface({ input: server.stdout! }), 'line')) as [string];
  url = (JSON.parse(line) as { url: string }).url;
  vi.stubEnv('MODAL_CONFIG_PATH', join(dir.path, 'absent.toml'));
  vi.stubEnv('MODAL_SERVER_URL', url);
  vi.stubEnv('MODAL_TOKEN_ID', TOKEN.id);
  vi.stubEnv('MODAL_TOKEN_SECRET', TOKEN.secret);
  modal = await import('modal');
});

afterAll(() => {
  if (server.exitCode === null) server.kill('SIGKILL');
  dir.cleanup();
  vi.unstubAllEnvs();
});

test('the served Embedder.run runs the ONNX model on a spawned tensor, and SIGTERM exits cleanly', async () => {
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const client = new modal.ModalClient();
  const instance = await (await client.cls.fromName('tiger-id-models', 'Embedder')).instance();
  expect(await instance.method('info').remote()).toMatchObject({
    model_id: 'megadescriptor-t-224',
    sha256: modelSha256,
    input_name: 'input',
    output_name: 'embedding',
  });
  const method = instance.method('run');
  // Channels filled with 0.5, 1 and 2: 3×8×8 float32 = 768 bytes.
  const tensor = new Float32Array(3 * 64);
  tensor.fill(0.5, 0, 64).fill(1, 64, 128).fill(2, 128);
  const call = await method.spawn([new Uint8Array(tensor.buffer), [1, 3, 8, 8]]);
  const result = (await call.get({ timeoutMs: 10_000 })) as Record<string, unknown>;
  const output = result.output as Uint8Array;
  expect({ ...result, output: Array.from(new Float32Array(new Uint8Array(output).buffer)) }).toEqual({
    model_id: 'megadescriptor-t-224',
    model_sha256: modelSha256,
    dims: [1, 4],
    output: [0.5, 1, 2, 3.5],
    provider: 'CPUExecutionProvider',
  });

  const wrong = await method.remote([new Uint8Array(12), [1, 3, 8, 8]]).catch((e: unknown) => e);
  expect(wrong).toBeInstanceOf(modal.RemoteError);
  expect((wrong as Error).message).toBe(
    "Remote error: TensorInputError('Tensor has 12 bytes but shape [1,3,8,8] needs 768 (4 bytes per float32)')",
  );

  const exited = once(server, 'exit');
  server.kill('SIGTERM');
  expect(await exited).toEqual([0, null]);
});
