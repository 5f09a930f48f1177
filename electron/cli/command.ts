import type { CoreContext } from '../core/context';
import type { RemoteInference } from '../core/inference/remote-inference';
import type { Logger } from '../core/log';
import type { ProgressListener } from '../core/progress';

export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  short?: string;
  multiple?: boolean;
  /** Shown in help as the value's name, e.g. "DIR". */
  valueName?: string;
}

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
}

/** What a command can touch. Results go to stdout, logs and progress to stderr. */
export interface CliContext {
  out(text: string): void;
  err(text: string): void;
  log: Logger;
  /** A progress reporter drawn on stderr (a bar on a TTY, plain lines otherwise); call `done()` when finished. */
  progress(label: string): ProgressListener & { done(): void };
  /** Opens the gallery in the chosen data folder on first use. */
  core(): CoreContext;
  /**
   * Remote inference (Modal + the durable queue), built on first use from MODAL_* variables, `.env` and the
   * gallery's settings; throws CONFIG_INVALID naming a bad variable. The Modal classes are read beside the
   * manifest (modal-classes.json next to models.json).
   */
  remote(manifestFile?: string): RemoteInference;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  json: boolean;
  /** Where interactive commands (review) read answers from. */
  stdin: NodeJS.ReadableStream;
  /** Set when SIGINT asks long work to stop at the next safe point. */
  signal: AbortSignal;
}

export interface Command {
  name: string;
  summary: string;
  /** Usage lines after "tigerid", e.g. "import <folder> [--station NAME]". */
  usage: string[];
  options: Record<string, OptionSpec>;
  /** Returns the exit code (0 when omitted). */
  run(ctx: CliContext, args: ParsedArgs): Promise<number | undefined>;
}

/** A user mistake on the command line: printed with the usage text, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
