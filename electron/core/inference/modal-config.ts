import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { EngineError } from '../errors';

/**
 * Modal settings as users of the original Python system know them: environment variables, a `.env` file, and the
 * app's own settings on top. Invalid values are refused at start with the variable's name and the expected form,
 * never silently replaced by a default.
 */

export const MODAL_APP_DEFAULT = 'tiger-id-models';

const APP_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const boolean = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'].includes(v), {
    message: 'true or false',
  })
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const number = (min: number, max: number, integer: boolean) =>
  z
    .string()
    .trim()
    .refine((v) => v !== '' && Number.isFinite(Number(v)), { message: 'a number' })
    .transform(Number)
    .refine((n) => !integer || Number.isInteger(n), { message: 'a whole number' })
    .refine((n) => n >= min && n <= max, { message: `between ${min} and ${max}` });

/** Each variable, how it is parsed, and the form named when it is wrong. */
const VARIABLES = {
  MODAL_ENABLED: { schema: boolean, form: 'true or false' },
  MODAL_ENVIRONMENT: {
    schema: z.string().trim().min(1).max(64),
    form: 'a Modal environment name, e.g. main',
  },
  MODAL_WORKSPACE: { schema: z.string().trim().min(1).max(64), form: 'a Modal workspace name' },
  MODAL_APP_NAME: {
    schema: z.string().trim().regex(APP_NAME),
    form: 'letters, digits, ".", "_" or "-" (up to 64), e.g. tiger-id-models',
  },
  MODAL_MAX_RETRIES: { schema: number(0, 10, true), form: 'a whole number from 0 to 10' },
  MODAL_RETRY_DELAY: { schema: number(0.01, 60, false), form: 'seconds from 0.01 to 60, e.g. 1.0' },
  MODAL_TIMEOUT: { schema: number(1, 3600, false), form: 'seconds from 1 to 3600, e.g. 120' },
  MODAL_QUEUE_MAX_SIZE: { schema: number(1, 1_000_000, true), form: 'a whole number from 1 to 1000000' },
  MODAL_FALLBACK_TO_QUEUE: { schema: boolean, form: 'true or false' },
} as const;

export type ModalVariable = keyof typeof VARIABLES;
export const MODAL_VARIABLES = Object.keys(VARIABLES) as ModalVariable[];

export interface ModalConfig {
  enabled: boolean;
  environment: string | null;
  workspace: string | null;
  appName: string;
  maxRetries: number;
  /** First backoff, in ms; later ones double up to a cap, with jitter. */
  retryDelayMs: number;
  /** How long one remote call may take before the app stops waiting for it, in ms. */
  timeoutMs: number;
  queueMaxSize: number;
  /** When Modal cannot be reached, queue the work (true) or fail the request (false). */
  fallbackToQueue: boolean;
  /** Where each value came from, for `tigerid doctor` and the status screen. */
  sources: Partial<Record<ModalVariable, 'setting' | 'environment' | '.env'>>;
}

/** Values the app's settings may hold (already typed: they were validated when saved). */
export interface ModalSettingsOverride {
  enabled?: boolean | null;
  appName?: string | null;
  environment?: string | null;
}

/**
 * Reads a `.env` file: KEY=VALUE lines, `#` comments, optional `export `, single or double quotes. Errors name the
 * line, because a user edits this file by hand.
 */
export function parseDotEnv(text: string, file: string): Record<string, string> {
  const values: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) {
      throw new EngineError('CONFIG_INVALID', `${file} line ${i + 1}: expected KEY=VALUE, found "${line}"`, {
        details: { file, line: i + 1 },
      });
    }
    const key = match[1] ?? '';
    let value = match[2] ?? '';
    const quoted = /^(['"])(.*?)\1\s*(?:#.*)?$/.exec(value);
    if (quoted) value = quoted[2] ?? '';
    else value = value.replace(/\s+#.*$/, '');
    values[key] = value;
  });
  return values;
}

export interface ModalConfigSources {
  env: NodeJS.ProcessEnv;
  /** A `.env` file to read when it exists (the environment wins over it, as with dotenv). */
  dotEnvFile?: string;
  settings?: ModalSettingsOverride;
}

export function loadModalConfig(sources: ModalConfigSources): ModalConfig {
  const fromFile =
    sources.dotEnvFile !== undefined && existsSync(sources.dotEnvFile)
      ? parseDotEnv(readFileSync(sources.dotEnvFile, 'utf8'), sources.dotEnvFile)
      : {};
  const configSources: ModalConfig['sources'] = {};
  const read = <K extends ModalVariable>(name: K): z.output<(typeof VARIABLES)[K]['schema']> | undefined => {
    const fromEnv = sources.env[name];
    const raw = fromEnv ?? fromFile[name];
    if (raw === undefined || raw.trim() === '') return undefined;
    const spec = VARIABLES[name];
    const parsed = spec.schema.safeParse(raw);
    if (!parsed.success) {
      const where = fromEnv !== undefined ? 'environment variable' : `${sources.dotEnvFile} entry`;
      throw new EngineError(
        'CONFIG_INVALID',
        `${where} ${name}=${JSON.stringify(raw)} is not valid: expected ${spec.form}`,
        { details: { variable: name, value: raw, expected: spec.form } },
      );
    }
    configSources[name] = fromEnv !== undefined ? 'environment' : '.env';
    return parsed.data as z.output<(typeof VARIABLES)[K]['schema']>;
  };
  const overriding = <T>(
    name: ModalVariable,
    setting: T | null | undefined,
    fallback: T | undefined,
  ): T | undefined => {
    if (setting === null || setting === undefined) return fallback;
    configSources[name] = 'setting';
    return setting;
  };
  const settings = sources.settings ?? {};
  const environment =
    overriding('MODAL_ENVIRONMENT', settings.environment, read('MODAL_ENVIRONMENT')) ?? null;
  return {
    enabled: overriding('MODAL_ENABLED', settings.enabled, read('MODAL_ENABLED')) ?? false,
    environment,
    workspace: read('MODAL_WORKSPACE') ?? null,
    appName: overriding('MODAL_APP_NAME', settings.appName, read('MODAL_APP_NAME')) ?? MODAL_APP_DEFAULT,
    maxRetries: read('MODAL_MAX_RETRIES') ?? 3,
    retryDelayMs: (read('MODAL_RETRY_DELAY') ?? 1.0) * 1000,
    timeoutMs: (read('MODAL_TIMEOUT') ?? 120) * 1000,
    queueMaxSize: read('MODAL_QUEUE_MAX_SIZE') ?? 10_000,
    fallbackToQueue: read('MODAL_FALLBACK_TO_QUEUE') ?? true,
    sources: configSources,
  };
}
