import { basename, extname } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startFakeModal } from './fake-modal';
import { loadServedModel, modelMethods } from './onnx-methods';

/**
 * Runs the fake Modal control plane as its own process, serving one Cls method backed by an ONNX model, so tests can
 * kill and restart "Modal" independently of the app under test:
 *
 *   node --import tsx test/fakes/modal/serve-fake-modal.ts --model m.onnx --token-id ID --token-secret SECRET
 *        [--model-id ID (default: file name)] [--port 0] [--app tiger-id-models] [--class Embedder] [--latency-ms 0]
 *
 * Like models/modal_app.py, the class has `run(tensor: float32 little-endian bytes, shape: int[])`, returning
 * {model_id, model_sha256, dims, output: float32 bytes, provider} for the model's first output, and `info()`.
 * When listening it prints one JSON line {"url","port"} on stdout; SIGTERM/SIGINT close it and exit 0.
 */

const cliArgs = z.object({
  model: z.string().min(1),
  'token-id': z.string().min(1),
  'token-secret': z.string().min(1),
  'model-id': z.string().min(1).optional(),
  port: z.coerce.number().int().min(0).max(65535).default(0),
  app: z.string().min(1).default('tiger-id-models'),
  class: z.string().min(1).default('Embedder'),
  /** Added to every execution, as a GPU's inference time would be. */
  'latency-ms': z.coerce.number().int().min(0).max(600_000).default(0),
});

function parseCli(argv: string[]): z.infer<typeof cliArgs> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: Object.fromEntries(
      Object.keys(cliArgs.shape).map((name) => [name, { type: 'string' as const }]),
    ),
  });
  return cliArgs.parse(values);
}

async function main(): Promise<void> {
  const options = parseCli(process.argv.slice(2));
  const model = await loadServedModel(
    options.model,
    options['model-id'] ?? basename(options.model, extname(options.model)),
  );
  const fake = await startFakeModal({
    port: options.port,
    tokenId: options['token-id'],
    tokenSecret: options['token-secret'],
    apps: {
      [options.app]: { [options.class]: modelMethods(model) },
    },
  });
  const shutdown = (): void => {
    void fake.close().then(
      () => model.session.release(),
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  fake.faults.latencyMs(options['latency-ms']);
  process.stdout.write(`${JSON.stringify({ url: fake.url, port: fake.port })}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
});
