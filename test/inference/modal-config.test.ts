import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../electron/core/errors';
import { loadModalConfig, parseDotEnv } from '../../electron/core/inference/modal-config';
import { tempDir } from '../support/temp-dir';

/** The EngineError a call throws, so a test can check its code and message together. */
function thrown(fn: () => unknown): EngineError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    return error as EngineError;
  }
  throw new Error('expected an EngineError, but nothing was thrown');
}

describe('Modal configuration defaults', () => {
  it('is off, with the documented defaults, when nothing is set', () => {
    const config = loadModalConfig({ env: {} });
    expect(config).toEqual({
      enabled: false,
      environment: null,
      workspace: null,
      appName: 'tiger-id-models',
      maxRetries: 3,
      retryDelayMs: 1000,
      timeoutMs: 120_000,
      queueMaxSize: 10_000,
      fallbackToQueue: true,
      sources: {},
    });
  });

  it('ignores a .env file that does not exist', () => {
    const config = loadModalConfig({ env: {}, dotEnvFile: '/nonexistent/tiger-id/.env' });
    expect(config.enabled).toBe(false);
    expect(config.sources).toEqual({});
  });

  it('treats an empty value as unset', () => {
    const config = loadModalConfig({ env: { MODAL_ENABLED: '', MODAL_MAX_RETRIES: '  ' } });
    expect(config.enabled).toBe(false);
    expect(config.maxRetries).toBe(3);
    expect(config.sources).toEqual({});
  });
});

describe('Modal configuration from the environment', () => {
  it('reads every variable, converting seconds to milliseconds', () => {
    const config = loadModalConfig({
      env: {
        MODAL_ENABLED: 'true',
        MODAL_ENVIRONMENT: 'staging',
        MODAL_WORKSPACE: 'wildlife-lab',
        MODAL_APP_NAME: 'tiger-id-dev',
        MODAL_MAX_RETRIES: '5',
        MODAL_RETRY_DELAY: '2.5',
        MODAL_TIMEOUT: '30',
        MODAL_QUEUE_MAX_SIZE: '250',
        MODAL_FALLBACK_TO_QUEUE: 'false',
      },
    });
    expect(config).toEqual({
      enabled: true,
      environment: 'staging',
      workspace: 'wildlife-lab',
      appName: 'tiger-id-dev',
      maxRetries: 5,
      retryDelayMs: 2500,
      timeoutMs: 30_000,
      queueMaxSize: 250,
      fallbackToQueue: false,
      sources: {
        MODAL_ENABLED: 'environment',
        MODAL_ENVIRONMENT: 'environment',
        MODAL_WORKSPACE: 'environment',
        MODAL_APP_NAME: 'environment',
        MODAL_MAX_RETRIES: 'environment',
        MODAL_RETRY_DELAY: 'environment',
        MODAL_TIMEOUT: 'environment',
        MODAL_QUEUE_MAX_SIZE: 'environment',
        MODAL_FALLBACK_TO_QUEUE: 'environment',
      },
    });
  });

  it.each([
    ['1', true],
    ['yes', true],
    ['on', true],
    ['TRUE', true],
    [' True ', true],
    ['0', false],
    ['no', false],
    ['off', false],
    ['FALSE', false],
  ])('reads MODAL_ENABLED=%j as %s', (raw, expected) => {
    expect(loadModalConfig({ env: { MODAL_ENABLED: raw } }).enabled).toBe(expected);
  });

  it('accepts the bounds of each numeric range', () => {
    const low = loadModalConfig({
      env: {
        MODAL_MAX_RETRIES: '0',
        MODAL_RETRY_DELAY: '0.01',
        MODAL_TIMEOUT: '1',
        MODAL_QUEUE_MAX_SIZE: '1',
      },
    });
    expect([low.maxRetries, low.retryDelayMs, low.timeoutMs, low.queueMaxSize]).toEqual([0, 10, 1000, 1]);
    const high = loadModalConfig({
      env: {
        MODAL_MAX_RETRIES: '10',
        MODAL_RETRY_DELAY: '60',
        MODAL_TIMEOUT: '3600',
        MODAL_QUEUE_MAX_SIZE: '1000000',
      },
    });
    expect([high.maxRetries, high.retryDelayMs, high.timeoutMs, high.queueMaxSize]).toEqual([
      10, 60_000, 3_600_000, 1_000_000,
    ]);
  });
});

describe('invalid Modal values are refused, naming the variable and the expected form', () => {
  it.each([
    ['MODAL_MAX_RETRIES', 'abc', 'a whole number from 0 to 10'],
    ['MODAL_MAX_RETRIES', '2.5', 'a whole number from 0 to 10'],
    ['MODAL_MAX_RETRIES', '11', 'a whole number from 0 to 10'],
    ['MODAL_MAX_RETRIES', '-1', 'a whole number from 0 to 10'],
    ['MODAL_RETRY_DELAY', '-1', 'seconds from 0.01 to 60, e.g. 1.0'],
    ['MODAL_RETRY_DELAY', '0', 'seconds from 0.01 to 60, e.g. 1.0'],
    ['MODAL_RETRY_DELAY', '61', 'seconds from 0.01 to 60, e.g. 1.0'],
    ['MODAL_RETRY_DELAY', '1s', 'seconds from 0.01 to 60, e.g. 1.0'],
    ['MODAL_TIMEOUT', '0', 'seconds from 1 to 3600, e.g. 120'],
    ['MODAL_TIMEOUT', '3601', 'seconds from 1 to 3600, e.g. 120'],
    ['MODAL_TIMEOUT', 'Infinity', 'seconds from 1 to 3600, e.g. 120'],
    ['MODAL_QUEUE_MAX_SIZE', '0', 'a whole number from 1 to 1000000'],
    ['MODAL_QUEUE_MAX_SIZE', '100.5', 'a whole number from 1 to 1000000'],
    ['MODAL_ENABLED', 'maybe', 'true or false'],
    ['MODAL_FALLBACK_TO_QUEUE', 'sometimes', 'true or false'],
    ['MODAL_APP_NAME', 'bad name!', 'letters, digits, ".", "_" or "-" (up to 64), e.g. tiger-id-models'],
    [
      'MODAL_APP_NAME',
      '-starts-with-dash',
      'letters, digits, ".", "_" or "-" (up to 64), e.g. tiger-id-models',
    ],
    ['MODAL_APP_NAME', 'a'.repeat(65), 'letters, digits, ".", "_" or "-" (up to 64), e.g. tiger-id-models'],
    ['MODAL_ENVIRONMENT', 'e'.repeat(65), 'a Modal environment name, e.g. main'],
    ['MODAL_WORKSPACE', 'w'.repeat(65), 'a Modal workspace name'],
  ])('%s=%j', (variable, raw, form) => {
    const error = thrown(() => loadModalConfig({ env: { [variable]: raw } }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe(
      `environment variable ${variable}=${JSON.stringify(raw)} is not valid: expected ${form}`,
    );
    expect(error.details).toEqual({ variable, value: raw, expected: form });
  });
});

describe('Modal configuration from a .env file', () => {
  let temp: ReturnType<typeof tempDir>;
  let file: string;
  beforeEach(() => {
    temp = tempDir();
    file = join(temp.path, '.env');
  });
  afterEach(() => temp.cleanup());

  it('reads comments, blank lines, quotes and `export `', () => {
    writeFileSync(
      file,
      [
        '# Modal settings for the field laptop',
        '',
        'MODAL_ENABLED=yes',
        'export MODAL_APP_NAME="tiger-id-field"',
        "MODAL_ENVIRONMENT='dev'",
        '   MODAL_MAX_RETRIES = 7   ',
        'MODAL_TIMEOUT=45 # seconds',
        '  # an indented comment',
        'UNRELATED=keeps working',
      ].join('\n'),
    );
    const config = loadModalConfig({ env: {}, dotEnvFile: file });
    expect(config.enabled).toBe(true);
    expect(config.appName).toBe('tiger-id-field');
    expect(config.environment).toBe('dev');
    expect(config.maxRetries).toBe(7);
    expect(config.timeoutMs).toBe(45_000);
    expect(config.sources).toEqual({
      MODAL_ENABLED: '.env',
      MODAL_APP_NAME: '.env',
      MODAL_ENVIRONMENT: '.env',
      MODAL_MAX_RETRIES: '.env',
      MODAL_TIMEOUT: '.env',
    });
  });

  it('reads Windows line endings', () => {
    writeFileSync(file, 'MODAL_ENABLED=true\r\nMODAL_QUEUE_MAX_SIZE=42\r\n');
    const config = loadModalConfig({ env: {}, dotEnvFile: file });
    expect(config.enabled).toBe(true);
    expect(config.queueMaxSize).toBe(42);
  });

  it('keeps a # inside quotes, and drops a comment after a quoted value', () => {
    // dotenv and python-dotenv (which the original Python system used) both read `KEY="value" # note` as `value`.
    expect(parseDotEnv('A="x # y"\nB=plain # note', 'f')).toEqual({ A: 'x # y', B: 'plain' });
    expect(parseDotEnv('MODAL_APP_NAME="tiger-id-field" # staging', 'f')).toEqual({
      MODAL_APP_NAME: 'tiger-id-field',
    });
  });

  it('lets the environment win over the file', () => {
    writeFileSync(file, 'MODAL_ENABLED=true\nMODAL_MAX_RETRIES=7\n');
    const config = loadModalConfig({ env: { MODAL_MAX_RETRIES: '2' }, dotEnvFile: file });
    expect(config.maxRetries).toBe(2);
    expect(config.enabled).toBe(true);
    expect(config.sources).toEqual({ MODAL_MAX_RETRIES: 'environment', MODAL_ENABLED: '.env' });
  });

  it('does not check a file value the environment replaces', () => {
    writeFileSync(file, 'MODAL_TIMEOUT=never\n');
    expect(loadModalConfig({ env: { MODAL_TIMEOUT: '10' }, dotEnvFile: file }).timeoutMs).toBe(10_000);
  });

  it('names the file when one of its values is invalid', () => {
    writeFileSync(file, 'MODAL_MAX_RETRIES=abc\n');
    const error = thrown(() => loadModalConfig({ env: {}, dotEnvFile: file }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe(
      `${file} entry MODAL_MAX_RETRIES="abc" is not valid: expected a whole number from 0 to 10`,
    );
  });

  it('names the file and the line of a malformed line', () => {
    writeFileSync(file, '# header\nMODAL_ENABLED=true\n\nthis is not a setting\n');
    const error = thrown(() => loadModalConfig({ env: {}, dotEnvFile: file }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe(`${file} line 4: expected KEY=VALUE, found "this is not a setting"`);
    expect(error.details).toEqual({ file, line: 4 });
  });

  it.each([
    ['1BAD=x', 1],
    ['ok=1\nMODAL-ENABLED=true', 2],
    ['ok=1\nok=2\n=value', 3],
  ])('rejects %j at line %i', (text, line) => {
    const error = thrown(() => parseDotEnv(text, 'settings.env'));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(new RegExp(`^settings\\.env line ${line}: expected KEY=VALUE`));
  });
});

describe('app settings override the environment', () => {
  it('takes enabled, app name and environment from settings, saying so in sources', () => {
    const config = loadModalConfig({
      env: {
        MODAL_ENABLED: 'false',
        MODAL_APP_NAME: 'from-env',
        MODAL_ENVIRONMENT: 'env-side',
        MODAL_TIMEOUT: '9',
      },
      settings: { enabled: true, appName: 'from-settings', environment: 'settings-side' },
    });
    expect(config.enabled).toBe(true);
    expect(config.appName).toBe('from-settings');
    expect(config.environment).toBe('settings-side');
    expect(config.timeoutMs).toBe(9000);
    expect(config.sources).toEqual({
      MODAL_ENABLED: 'setting',
      MODAL_APP_NAME: 'setting',
      MODAL_ENVIRONMENT: 'setting',
      MODAL_TIMEOUT: 'environment',
    });
  });

  it('a setting of false turns Modal off even when the environment enables it', () => {
    const config = loadModalConfig({ env: { MODAL_ENABLED: 'true' }, settings: { enabled: false } });
    expect(config.enabled).toBe(false);
    expect(config.sources.MODAL_ENABLED).toBe('setting');
  });

  it('a null or missing setting falls back to the environment, then the .env file, then the default', () => {
    const temp = tempDir();
    try {
      const file = join(temp.path, '.env');
      writeFileSync(file, 'MODAL_APP_NAME=from-file\n');
      const config = loadModalConfig({
        env: { MODAL_ENABLED: 'on' },
        dotEnvFile: file,
        settings: { enabled: null, appName: null },
      });
      expect(config.enabled).toBe(true);
      expect(config.appName).toBe('from-file');
      expect(config.environment).toBeNull();
      expect(config.sources).toEqual({ MODAL_ENABLED: 'environment', MODAL_APP_NAME: '.env' });
    } finally {
      temp.cleanup();
    }
  });

  it('a setting also fills a value that nothing else sets', () => {
    const config = loadModalConfig({ env: {}, settings: { enabled: true } });
    expect(config.enabled).toBe(true);
    expect(config.sources).toEqual({ MODAL_ENABLED: 'setting' });
  });
});
