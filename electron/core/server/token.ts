import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes as hex: the bridge's bearer token for one run. */
export function newBridgeToken(): string {
  return randomBytes(32).toString('hex');
}

/**
 * Compares a presented token with the real one in constant time. Both sides are hashed first so the comparison
 * takes the same time whatever the presented length (timingSafeEqual itself needs equal lengths).
 */
export function tokenMatches(presented: string | undefined, token: string): boolean {
  if (presented === undefined || presented === '') return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

export const TOKEN_COOKIE = 'tigerid_token';

/** The token from the cookie header or an `Authorization: Bearer` header, whichever is present. */
export function presentedToken(headers: {
  cookie?: string | undefined;
  authorization?: string | undefined;
}): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  if (bearer?.[1]) return bearer[1];
  for (const part of (headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === TOKEN_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Replaces the token wherever it appears, for log lines: a log file must never let someone call the bridge. */
export function redactToken(text: string, token: string): string {
  return token === '' ? text : text.split(token).join('[token]');
}
