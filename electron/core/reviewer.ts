import { userInfo } from 'node:os';

/** Who a decision is recorded for: --reviewer, then $TIGERID_REVIEWER, then the OS user. */
export function reviewerName(
  option: string | boolean | string[] | undefined,
  env: NodeJS.ProcessEnv,
): string {
  if (typeof option === 'string' && option.trim()) return option.trim();
  if (env.TIGERID_REVIEWER?.trim()) return env.TIGERID_REVIEWER.trim();
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
