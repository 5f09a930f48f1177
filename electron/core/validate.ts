import type { z } from 'zod';

/** Misuse of the engine's API: a bad argument, never a bug inside the engine. */
export class InvalidArgument extends TypeError {
  override readonly name = 'InvalidArgument';
}

/**
 * Validates data entering the core (IPC, HTTP, CLI arguments, files). Misuse is a TypeError whose message names
 * each bad field with what was expected and what was received, so every door can show it as it is.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : what;
    return `${field}: ${issue.message}`;
  });
  throw new InvalidArgument(`Invalid ${what}: ${problems.join('; ')}`);
}
