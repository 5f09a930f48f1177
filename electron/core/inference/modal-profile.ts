import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { z } from 'zod';

/**
 * The token `modal token new` saved: Modal's own config file (`~/.modal.toml`, or MODAL_CONFIG_PATH), profile
 * MODAL_PROFILE or the one marked active, as the Modal SDK and CLI pick it. So a user who deployed the app from
 * this machine needs no second step to give the desktop the token.
 */

const profileSchema = z.object({ token_id: z.string().min(1), token_secret: z.string().min(1) }).loose();

export function modalConfigFile(env: NodeJS.ProcessEnv): string {
  return env.MODAL_CONFIG_PATH ? env.MODAL_CONFIG_PATH : join(homedir(), '.modal.toml');
}

/** The profile's token, or null when there is no file, no such profile, or no token in it. */
export function modalProfileToken(env: NodeJS.ProcessEnv): { tokenId: string; tokenSecret: string } | null {
  let config: Record<string, unknown>;
  try {
    config = parse(readFileSync(modalConfigFile(env), 'utf8'));
  } catch {
    // Missing or unreadable: the SDK treats it as empty too.
    return null;
  }
  const name =
    env.MODAL_PROFILE ??
    Object.entries(config).find(
      ([, p]) => typeof p === 'object' && p !== null && 'active' in p && p.active,
    )?.[0];
  if (name === undefined) return null;
  const profile = profileSchema.safeParse(config[name]);
  return profile.success ? { tokenId: profile.data.token_id, tokenSecret: profile.data.token_secret } : null;
}
