import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { ZodError } from 'zod';
import { commands } from './cli/commands';
import { UsageError, type CliContext, type Command, type OptionSpec, type ParsedArgs } from './cli/command';
import { didYouMean } from './core/did-you-mean';
import { progressBar } from './cli/progress-bar';
import { APP_VERSION } from './core/app-version';
import { openCore, type CoreContext } from './core/context';
import { defaultDataDir } from './core/default-data-dir';
import { EngineError } from './core/errors';
import { bundledManifestPath } from './core/inference/manifest';
import { openRemoteInference, type RemoteInference } from './core/inference/remote-inference';
import type { Logger } from './core/log';
import { FileSecretStore } from './core/secrets';
import { InvalidArgument } from './core/validate';

const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  data: {
    type: 'string',
    valueName: 'DIR',
    description: 'gallery data folder (default: $TIGERID_DATA or the app-data folder)',
  },
  json: { type: 'boolean', description: 'print results as JSON' },
  verbose: { type: 'boolean', short: 'v', description: 'print debug log lines' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};

export interface CliIo {
  stdout: { write(text: string): void };
  stderr: { write(text: string): void; isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  stdin?: NodeJS.ReadableStream;
}

const processIo: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  stdin: process.stdin,
};

/** Runs one `tigerid` invocation and returns its exit code. User mistakes never print a stack trace. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(generalHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`tigerid ${APP_VERSION}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    const hint = didYouMean(
      name,
      commands.map((c) => c.name),
    );
    io.stderr.write(
      `tigerid: unknown command "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}\nRun "tigerid --help" for the list.\n`,
    );
    return 2;
  }

  let args: ParsedArgs;
  try {
    args = parseCommandArgs(command, rest);
  } catch (error) {
    io.stderr.write(`tigerid ${command.name}: ${(error as Error).message}\n\n${commandHelp(command)}`);
    return 2;
  }
  if (args.values.help === true) {
    io.stdout.write(commandHelp(command));
    return 0;
  }

  const abort = new AbortController();
  const onSigint = (): void => {
    if (abort.signal.aborted) process.exit(130);
    io.stderr.write('\nStopping at the next safe point (press Ctrl-C again to quit now)...\n');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  const log = stderrLogger(io, args.values.verbose === true);
  let core: (CoreContext & { close(): void }) | undefined;
  let remote: RemoteInference | undefined;
  const dataDir = (args.values.data as string | undefined) ?? io.env.TIGERID_DATA ?? defaultDataDir(io.env);
  const ctx: CliContext = {
    out: (text) => io.stdout.write(text),
    err: (text) => io.stderr.write(text),
    log,
    progress: (label) =>
      progressBar(
        { write: (t) => io.stderr.write(t), isTTY: io.stderr.isTTY === true, columns: io.stderr.columns },
        label,
      ),
    core: () => (core ??= openCore({ dataDir, log })),
    remote: (manifestFile) =>
      (remote ??= openRemoteInference(ctx.core(), {
        secrets: new FileSecretStore(join(dataDir, 'secrets.json')),
        env: io.env,
        modelsFolder: dirname(manifestFile ?? bundledManifestPath()),
        cwd: process.cwd(),
        log,
      })),
    dataDir,
    env: io.env,
    json: args.values.json === true,
    stdin: io.stdin ?? process.stdin,
    signal: abort.signal,
  };
  try {
    return (await command.run(ctx, args)) ?? 0;
  } catch (error) {
    return reportError(io, command, error, args.values.verbose === true);
  } finally {
    process.off('SIGINT', onSigint);
    remote?.close();
    core?.close();
  }
}

function parseCommandArgs(command: Command, argv: string[]): ParsedArgs {
  const options = { ...GLOBAL_OPTIONS, ...command.options };
  const known = Object.keys(options);
  for (const token of argv) {
    if (token === '--') break;
    const match = /^--([^=]+)/.exec(token);
    if (match?.[1] && !known.includes(match[1])) {
      const hint = didYouMean(match[1], known);
      throw new UsageError(`unknown option "--${match[1]}"${hint ? ` (did you mean "--${hint}"?)` : ''}`);
    }
  }
  const parsed = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: Object.fromEntries(
      Object.entries(options).map(([key, spec]) => [
        key,
        {
          type: spec.type,
          ...(spec.short ? { short: spec.short } : {}),
          ...(spec.multiple ? { multiple: true } : {}),
        },
      ]),
    ),
  });
  return { positionals: parsed.positionals, values: parsed.values as ParsedArgs['values'] };
}

function reportError(io: CliIo, command: Command, error: unknown, verbose: boolean): number {
  if (error instanceof UsageError) {
    io.stderr.write(`tigerid ${command.name}: ${error.message}\n\n${commandHelp(command)}`);
    return 2;
  }
  if (error instanceof ZodError) {
    const issues = error.issues.map((i) => `${i.path.join('.') || 'argument'}: ${i.message}`).join('; ');
    io.stderr.write(`tigerid ${command.name}: ${issues}\n\n${commandHelp(command)}`);
    return 2;
  }
  if (error instanceof EngineError) {
    io.stderr.write(`tigerid ${command.name}: ${error.message} [${error.code}]\n`);
    if (verbose && error.stack) io.stderr.write(`${error.stack}\n`);
    return 1;
  }
  if (error instanceof InvalidArgument || error instanceof RangeError) {
    io.stderr.write(`tigerid ${command.name}: ${error.message}\n`);
    if (verbose && error.stack) io.stderr.write(`${error.stack}\n`);
    return 2;
  }
  io.stderr.write(
    `tigerid ${command.name}: internal error: ${(error as Error)?.message ?? String(error)}\n` +
      `${(error as Error)?.stack ?? ''}\nThis is a bug in Tiger ID; please report it with the lines above.\n`,
  );
  return 70;
}

function stderrLogger(io: CliIo, verbose: boolean): Logger {
  return {
    debug: (m) => void (verbose && io.stderr.write(`debug: ${m}\n`)),
    info: (m) => void (verbose && io.stderr.write(`${m}\n`)),
    warn: (m) => void io.stderr.write(`warning: ${m}\n`),
    error: (m) => void io.stderr.write(`error: ${m}\n`),
  };
}

function optionLines(options: Record<string, OptionSpec>): string[] {
  return Object.entries(options).map(([key, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${key}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}`;
    return `  ${flag.padEnd(30)} ${spec.description}`;
  });
}

export function commandHelp(command: Command): string {
  return [
    `Usage:`,
    ...command.usage.map((u) => `  tigerid ${u}`),
    '',
    command.summary,
    '',
    'Options:',
    ...optionLines(command.options),
    ...optionLines(GLOBAL_OPTIONS),
    '',
  ].join('\n');
}

function generalHelp(): string {
  return [
    'tigerid — re-identify individual tigers from camera-trap photos',
    '',
    'Usage: tigerid <command> [options]',
    '',
    'Commands:',
    ...commands.map(
      (c) => `  ${c.name.padEnd(Math.max(...commands.map((x) => x.name.length)) + 2)} ${c.summary}`,
    ),
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'Run "tigerid <command> --help" for a command\'s options, "tigerid --version" for the version.',
    '',
  ].join('\n');
}
