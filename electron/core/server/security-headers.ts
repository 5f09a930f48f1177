/**
 * Response headers shared by the HTTP bridge and Electron's app:// protocol, so the browser tab and the desktop
 * window run the renderer under the same policy.
 *
 * The CSP allows only our own origin: no inline script or style (the Vite build emits files), images from our own
 * /images routes plus data:/blob: URLs the renderer makes itself, no framing by anyone, no <base> or form posts.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** On every response: no MIME sniffing, no Referer (the first URL carries the token), no cross-origin reads. */
export const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** On HTML documents, which are what a CSP governs. */
export const HTML_HEADERS: Readonly<Record<string, string>> = {
  ...COMMON_HEADERS,
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
};
