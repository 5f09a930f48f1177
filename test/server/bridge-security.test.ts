import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppApi } from '../../electron/core/api-handlers';
import { startBridge } from '../../electron/core/server/bridge';
import { APP_JS, INDEX_HTML, send, startFixture, type BridgeFixture } from './support';

let f: BridgeFixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f.close();
});

const json = { 'content-type': 'application/json' };
const bearer = () => ({ authorization: `Bearer ${f.bridge.token}` });

describe('the bridge listens', () => {
  it('on 127.0.0.1 only, with a 64-hex-digit token in its URL', () => {
    expect(f.bridge.origin).toBe(`http://127.0.0.1:${f.bridge.port}`);
    expect(f.bridge.token).toMatch(/^[0-9a-f]{64}$/);
    expect(f.bridge.url).toBe(`http://127.0.0.1:${f.bridge.port}/?token=${f.bridge.token}`);
  });

  it('refuses to bind anything but a loopback address', async () => {
    await expect(
      startBridge({
        api: createAppApi(f.engine, {}),
        ctx: f.engine.core,
        rendererDir: f.root,
        host: '0.0.0.0',
        log: f.log,
      }),
    ).rejects.toThrow(/loopback host .*0\.0\.0\.0/);
  });
});

describe('authentication', () => {
  it('refuses a request without a token with a short 401', async () => {
    for (const path of ['/', '/index.html', '/assets/app.js', '/images/media/1/thumbnail']) {
      const res = await send(f.bridge.port, { path });
      expect(res.status, path).toBe(401);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toMatch(/^Unauthorized/);
      expect(res.text).not.toContain(INDEX_HTML);
    }
    const api = await send(f.bridge.port, {
      method: 'POST',
      path: '/api/settings.get',
      headers: json,
      body: '{}',
    });
    expect(api.status).toBe(401);
  });

  it('refuses a wrong token in the exchange, a cookie or a bearer header', async () => {
    const wrong = 'f'.repeat(64);
    expect((await send(f.bridge.port, { path: `/?token=${wrong}` })).status).toBe(401);
    expect(
      (await send(f.bridge.port, { path: '/', headers: { cookie: `tigerid_token=${wrong}` } })).status,
    ).toBe(401);
    const api = await send(f.bridge.port, {
      method: 'POST',
      path: '/api/settings.get',
      headers: { ...json, authorization: `Bearer ${wrong}` },
      body: '{}',
    });
    expect(api.status).toBe(401);
    // A prefix of the real token is still wrong.
    expect(
      (
        await send(f.bridge.port, {
          path: '/',
          headers: { authorization: `Bearer ${f.bridge.token.slice(0, 32)}` },
        })
      ).status,
    ).toBe(401);
  });

  it('trades the token for an HttpOnly, SameSite=Strict cookie and redirects to /', async () => {
    const res = await send(f.bridge.port, { path: `/?token=${f.bridge.token}` });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/');
    const cookie = res.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toMatch(new RegExp(`^tigerid_token=${f.bridge.token};`));
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\//);

    const jar = cookie.split(';')[0]!;
    const page = await send(f.bridge.port, { path: '/', headers: { cookie: jar } });
    expect(page.status).toBe(200);
    expect(page.text).toBe(INDEX_HTML);
    const api = await send(f.bridge.port, {
      method: 'POST',
      path: '/api/settings.get',
      headers: { ...json, cookie: jar, origin: f.bridge.origin },
      body: '{}',
    });
    expect(api.status).toBe(200);
    expect(JSON.parse(api.text)).toMatchObject({ ok: true, mutated: false, value: { reviewCandidates: 12 } });
  });
});

describe('DNS rebinding and cross-site requests', () => {
  it('refuses a foreign Host header even with the right token', async () => {
    for (const host of [
      `evil.example:${f.bridge.port}`,
      'evil.example',
      `127.0.0.1:${f.bridge.port + 1}`,
      '127.0.0.1',
    ]) {
      const res = await send(f.bridge.port, { path: '/', headers: { ...bearer(), host } });
      expect(res.status, host).toBe(403);
    }
    const exchange = await send(f.bridge.port, {
      path: `/?token=${f.bridge.token}`,
      headers: { host: `evil.example:${f.bridge.port}` },
    });
    expect(exchange.status).toBe(403);
    expect(exchange.headers['set-cookie']).toBeUndefined();
  });

  it('accepts localhost:PORT as well as 127.0.0.1:PORT', async () => {
    const res = await send(f.bridge.port, {
      path: '/',
      headers: { ...bearer(), host: `localhost:${f.bridge.port}` },
    });
    expect(res.status).toBe(200);
  });

  it('refuses a POST from a foreign Origin', async () => {
    for (const origin of ['https://evil.example', 'null', `http://127.0.0.1:${f.bridge.port + 1}`]) {
      const res = await send(f.bridge.port, {
        method: 'POST',
        path: '/api/settings.set',
        headers: { ...json, ...bearer(), origin },
        body: JSON.stringify({ reviewer: 'mallory' }),
      });
      expect(res.status, origin).toBe(403);
    }
    const settings = await f.engine.core.db
      .prepare(`SELECT COUNT(*) FROM settings WHERE key = 'review.reviewer'`)
      .pluck()
      .get();
    expect(settings).toBe(0);
  });

  it('refuses a POST that is not application/json with 415 (a form cannot send JSON without a preflight)', async () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const res = await send(f.bridge.port, {
        method: 'POST',
        path: '/api/settings.get',
        headers: { ...bearer(), 'content-type': type },
        body: '{}',
      });
      expect(res.status, type).toBe(415);
      expect(JSON.parse(res.text)).toMatchObject({ ok: false, error: { type: 'InvalidArgument' } });
    }
    const none = await send(f.bridge.port, {
      method: 'POST',
      path: '/api/settings.get',
      headers: bearer(),
      body: '{}',
    });
    expect(none.status).toBe(415);
  });

  it('never answers a CORS preflight', async () => {
    const res = await send(f.bridge.port, {
      method: 'OPTIONS',
      path: '/api/settings.get',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(401);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a body over 1 MB with 413', async () => {
    const res = await send(f.bridge.port, {
      method: 'POST',
      path: '/api/settings.set',
      headers: { ...json, ...bearer() },
      body: JSON.stringify({ reviewer: 'x'.repeat(1024 * 1024 + 10) }),
    });
    expect(res.status).toBe(413);
  });
});

describe('static files', () => {
  it('serves the renderer with content types, and a CSP and nosniff on HTML', async () => {
    const html = await send(f.bridge.port, { path: '/', headers: bearer() });
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.headers['content-security-policy']).toBe(
      "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    expect(html.headers['x-content-type-options']).toBe('nosniff');
    expect(html.headers['referrer-policy']).toBe('no-referrer');

    const js = await send(f.bridge.port, { path: '/assets/app.js', headers: bearer() });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.text).toBe(APP_JS);
    const css = await send(f.bridge.port, { path: '/assets/app.css', headers: bearer() });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('gives index.html for client-side routes and 404 for missing files', async () => {
    const route = await send(f.bridge.port, { path: '/individuals/12?tab=sightings', headers: bearer() });
    expect(route.status).toBe(200);
    expect(route.text).toBe(INDEX_HTML);
    expect((await send(f.bridge.port, { path: '/assets/missing.js', headers: bearer() })).status).toBe(404);
  });

  it('refuses path traversal, plain and encoded', async () => {
    const attempts = [
      '/../../etc/passwd',
      '/assets/../../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/..%2f..%2f..%2fetc%2fpasswd',
      '/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
      '/..%5c..%5cetc%5cpasswd',
      '/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/etc/passwd%00.js',
      '/%E0%A4%A',
    ];
    for (const path of attempts) {
      const res = await send(f.bridge.port, { path, headers: bearer() });
      expect(res.text, path).not.toMatch(/root:/);
      expect([400, 404], path).toContain(res.status);
    }
    // Double encoding decodes once, to a literal folder name "%2e%2e": an unknown route, so index.html.
    const doubled = await send(f.bridge.port, { path: '/%252e%252e/etc/passwd', headers: bearer() });
    expect(doubled.text).toBe(INDEX_HTML);
    // The plain and encoded `..` forms are refused outright, not answered with index.html.
    expect((await send(f.bridge.port, { path: '/../../etc/passwd', headers: bearer() })).status).toBe(400);
    expect((await send(f.bridge.port, { path: '/..%2f..%2fetc%2fpasswd', headers: bearer() })).status).toBe(
      400,
    );
  });
});
