/** The window's own origin: app://tiger-id/. Served by the app:// protocol handler, never by file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'tiger-id';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/`;

/**
 * Whether a URL belongs to the app's own origin. Compares protocol and host, because Node's URL gives the string
 * 'null' as the origin of any non-special scheme (`new URL('app://tiger-id').origin === 'null'`), so comparing
 * origins would accept every app:// host alike. A URL with credentials or a port is never ours.
 */
export function isAppUrl(url: string | undefined | null): boolean {
  if (typeof url !== 'string' || url === '') return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.hostname === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/** IPC senders are trusted only when the frame that sent the message shows our own page. */
export const isTrustedSender = isAppUrl;
