import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAppApi } from '../../core/api-handlers';
import { Engine } from '../../core/engine';
import { FileSecretStore } from '../../core/secrets';
import { BridgeListenError, startBridge } from '../../core/server/bridge';
import { UsageError, type CliContext, type Command } from '../command';

/** dist/renderer of this checkout: where `npm run build:renderer` puts the Vite build. */
export const DEFAULT_RENDERER_DIR = fileURLToPath(new URL('../../../dist/renderer', import.meta.url));

function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port > 65535) {
    throw new UsageError(
      `Expected integer between 0 and 65535 for --port but received ${JSON.stringify(value)}`,
    );
  }
  return port;
}

/** Resolves when the user asks to stop: Ctrl-C (the CLI turns it into ctx.signal) or SIGTERM (a service manager). */
function stopRequested(signal: AbortSignal): Promise<string> {
  return new Promise((resolve) => {
    const onTerm = () => finish('SIGTERM');
    const onAbort = () => finish('SIGINT');
    function finish(name: string): void {
      process.off('SIGTERM', onTerm);
      signal.removeEventListener('abort', onAbort);
      resolve(name);
    }
    if (signal.aborted) return finish('SIGINT');
    process.on('SIGTERM', onTerm);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run Tiger ID in your browser (a local server on 127.0.0.1, protected by a token)',
  usage: ['serve [--port N] [--host 127.0.0.1] [--renderer DIR] [--manifest FILE]'],
  options: {
    port: { type: 'string', valueName: 'N', description: 'port to listen on (default: any free port)' },
    host: { type: 'string', valueName: 'HOST', description: 'loopback address to bind (default: 127.0.0.1)' },
    renderer: {
      type: 'string',
      valueName: 'DIR',
      description: 'the built web UI (default: dist/renderer of this install)',
    },
    manifest: {
      type: 'string',
      valueName: 'FILE',
      description: 'model manifest (default: the bundled one); modal-classes.json is read beside it',
    },
  },
  async run(ctx: CliContext, args) {
    const port = parsePort(args.values.port as string | undefined);
    const host = (args.values.host as string | undefined) ?? '127.0.0.1';
    const rendererDir = resolve((args.values.renderer as string | undefined) ?? DEFAULT_RENDERER_DIR);
    if (!existsSync(join(rendererDir, 'index.html'))) {
      ctx.err(
        `tigerid serve: the web UI is not built (no index.html in ${rendererDir}); run "npm run build:renderer" first, or pass --renderer DIR.\n`,
      );
      return 1;
    }

    // The bridge runs one long-lived engine, like the desktop app; the Modal token lives in a 0600 file beside
    // the gallery (the UI reports it as plain-text storage).
    const engine = new Engine({
      dataDir: ctx.dataDir,
      secrets: new FileSecretStore(join(ctx.dataDir, 'secrets.json')),
      log: ctx.log,
      env: ctx.env,
      ...(typeof args.values.manifest === 'string' ? { manifestFile: resolve(args.values.manifest) } : {}),
    });
    let bridge: Awaited<ReturnType<typeof startBridge>>;
    try {
      bridge = await startBridge({
        api: createAppApi(engine, ctx.env),
        ctx: engine.core,
        rendererDir,
        host,
        port,
        log: ctx.log,
      });
    } catch (error) {
      await engine.close();
      if (error instanceof BridgeListenError) {
        const hint =
          error.code === 'EADDRINUSE' ? '; choose another with --port N, or --port 0 for any free port' : '';
        ctx.err(`tigerid serve: ${error.message}${hint}.\n`);
        return 1;
      }
      if (error instanceof RangeError) throw new UsageError(error.message);
      throw error;
    }

    if (ctx.json)
      ctx.out(`${JSON.stringify({ url: bridge.url, origin: bridge.origin, port: bridge.port })}\n`);
    else ctx.out(`Tiger ID is running at ${bridge.url}\n`);
    ctx.err('Open the link above in your browser. Press Ctrl-C to stop.\n');

    const why = await stopRequested(ctx.signal);
    ctx.log.info(`Stopping (${why}): closing the server, then stopping imports at a safe point.`);
    await bridge.close();
    await engine.close();
    ctx.err('Tiger ID stopped.\n');
    return 0;
  },
};
