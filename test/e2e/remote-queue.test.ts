import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RemoteStatusDto } from '../../electron/core/api';
import { openCore } from '../../electron/core/context';
import { setSetting } from '../../electron/core/settings';
import {
  embedderBytes,
  installEmbedder,
  MODAL_CLASS,
  MODEL_ID,
  remoteManifest,
  startModalFake,
  TOKEN,
  writePhotos,
  type RemoteFixture,
} from '../queue/remote-gallery';
import { tempDir } from '../support/temp-dir';
import { emulateOsNetwork, freePort, setOsOnline } from './support/os-network';
import { apiCall } from './support/serve';
import { setUpServedApp } from './support/served-app';
import { go, openApp, shoot, textMatches, unnamedControls, visible } from './support/ui';

/**
 * A ranger's week, in the browser: the recognition model runs on Modal (a real gRPC fake, through the unmodified
 * SDK), the laptop is offline, photos are imported and their remote work waits in the queue, visible on Status and
 * in the sidebar. When the network returns the queue drains by itself and a toast says so; later, offline again,
 * "Sync now" sends the work by hand. The Modal token never reaches the page.
 */

const FIRST_BATCH = 4;
const SECOND_BATCH = 3;

describe('remote inference and the offline queue in the UI', () => {
  const temp = tempDir('tigerid-e2e-remote-');
  const dataDir = join(temp.path, 'data');
  const modelsDir = join(temp.path, 'models');
  let port: number;
  let fixture: RemoteFixture | undefined;
  /** Every API response body the page received. */
  const bodies: Promise<string>[] = [];

  const app = setUpServedApp({
    dataDir,
    viewport: { width: 1440, height: 900 },
    prepare: async () => {
      // The manifest lists the generated embedder; modal-classes.json beside it says which Modal class serves it.
      mkdirSync(modelsDir, { recursive: true });
      const manifest = remoteManifest(false);
      writeFileSync(join(modelsDir, 'models.json'), JSON.stringify(manifest, null, 2));
      writeFileSync(join(modelsDir, 'modal-classes.json'), JSON.stringify({ [MODEL_ID]: MODAL_CLASS }));
      const modelFile = join(temp.path, 'embedder.onnx');
      writeFileSync(modelFile, embedderBytes());
      const core = openCore({ dataDir });
      try {
        await installEmbedder(core, modelFile, manifest);
        // The user picks the policy in Settings below.
        setSetting(core, 'inference.policy', 'auto');
      } finally {
        core.close();
      }
      // Nothing listens on this port until the fake Modal starts there.
      port = await freePort();
    },
    // A function: the port is chosen in prepare.
    serve: () => ({
      args: ['--manifest', join(modelsDir, 'models.json')],
      env: {
        MODAL_ENABLED: 'true',
        MODAL_SERVER_URL: `http://127.0.0.1:${port}`,
        MODAL_RETRY_DELAY: '0.05',
        MODAL_TIMEOUT: '5',
        MODAL_TOKEN_ID: TOKEN.id,
        MODAL_TOKEN_SECRET: TOKEN.secret,
      },
    }),
    cleanup: async () => {
      await fixture?.fake.close();
      temp.cleanup();
    },
  });

  beforeAll(async () => {
    app.browser.page.on('response', (response) => {
      if (new URL(response.url()).pathname.startsWith('/api/')) bodies.push(response.text().catch(() => ''));
    });
    // The laptop starts in the field: the operating system says there is no network.
    await emulateOsNetwork(app.browser.page, false);
  });

  const remote = () => apiCall<RemoteStatusDto>(app.serve, 'remote.status', {});
  const queueCard = (page: Page) => page.getByRole('region', { name: 'Queue', exact: true });
  const remoteCard = (page: Page) => page.getByRole('region', { name: 'Remote inference', exact: true });
  const tally = (card: Locator, label: string) =>
    card.locator('dl.stats > div', { hasText: label }).locator('dd');
  const fact = (card: Locator, label: string) =>
    card.locator('dl.kv > div', { hasText: label }).locator('dd');

  /** The job table's rows, once it lists `n` jobs (it loads after the counts). */
  async function jobRows(queue: Locator, n: number): Promise<Locator> {
    const rows = queue.locator('table tbody tr');
    await visible(rows.nth(n - 1));
    expect(await rows.count()).toBe(n);
    return rows;
  }

  async function importFolder(page: Page, folder: string): Promise<void> {
    await go(page, '#/import');
    await page.getByLabel('Folder of camera-trap photos').fill(folder);
    await page.getByRole('button', { name: 'Start import' }).click();
    // The card of this import (an earlier one may still show "Import finished").
    await visible(page.getByRole('region', { name: 'Import finished' }).filter({ hasText: folder }), 120_000);
  }

  it('sets the policy in Settings and shows the engine’s refusal of a bad app name next to the form', async () => {
    const { page } = app.browser;
    await openApp(page, app.serve.url, '#/settings');
    const section = page.getByRole('region', { name: 'Remote inference', exact: true });
    await visible(section.getByRole('radio', { name: 'Automatic' }));
    expect(await section.getByRole('radio', { name: 'Automatic' }).isChecked()).toBe(true);
    // The token comes from the environment: no form is needed, and the source is said.
    await visible(section.getByText('A token is set by the MODAL_TOKEN_ID and MODAL_TOKEN_SECRET variables'));

    await section.getByRole('radio', { name: 'Modal cloud GPU' }).check();
    await section.getByRole('button', { name: 'Save remote inference settings' }).click();
    await textMatches(page.locator('.toast'), /^Remote inference settings saved\./);
    expect((await remote()).policy).toBe('modal');
    await shoot(page, 'remote-settings', { fullPage: true });

    const appName = section.getByLabel('Modal app name');
    // Left to MODAL_APP_NAME: the box is empty and shows the name in effect.
    expect(await appName.inputValue()).toBe('');
    expect(await appName.getAttribute('placeholder')).toBe('tiger-id-models');
    await appName.fill('tiger models!');
    await section.getByRole('button', { name: 'Save remote inference settings' }).click();
    // The engine's own words, naming the field (whatever they say about the allowed form).
    await textMatches(section.getByRole('alert'), /appName/);
    await section.getByRole('alert').scrollIntoViewIfNeeded();
    await shoot(page, 'remote-settings-error');
    // Nothing was saved. The refused call is the only console error (Chromium logs the 400), and it is expected.
    expect((await remote()).modal.appName).toBe('tiger-id-models');
    expect(app.browser.errors).toEqual([expect.stringMatching(/status of 400/)]);
    app.browser.errors.length = 0;
    await appName.fill('tiger-id-models');
  }, 60_000);

  it('queues the remote work while offline and shows it waiting, on Status and in the sidebar', async () => {
    const { page } = app.browser;
    await importFolder(page, await writePhotos(join(temp.path, 'card-1'), FIRST_BATCH, 0));

    const status = await remote();
    expect(status.modal.online).toBe(false);
    expect(status.queue).toMatchObject({ pending: FIRST_BATCH, running: 0, done: 0, failed: 0 });
    expect(status.routes).toEqual([expect.objectContaining({ modelId: MODEL_ID, route: 'queue' })]);

    const sidebar = page.getByRole('navigation', { name: 'Main' });
    await visible(sidebar.getByLabel(`${FIRST_BATCH} queued for Modal`));
    await go(page, '#/status');
    const queue = queueCard(page);
    await textMatches(tally(queue, 'Waiting'), new RegExp(`^${FIRST_BATCH}$`));
    expect(await tally(queue, 'Done').innerText()).toBe('0');
    await visible(
      queue.getByText(
        `${FIRST_BATCH} jobs waiting for the connection; they are sent by themselves when it returns.`,
      ),
    );
    const rows = await jobRows(queue, FIRST_BATCH);
    expect(await rows.first().innerText()).toMatch(new RegExp(`${MODEL_ID}\\s+Waiting`));
    const card = remoteCard(page);
    expect(await fact(card, 'Connection').innerText()).toBe('Offline');
    expect(await fact(card, 'Policy').innerText()).toBe('Modal cloud GPU');
    expect(await fact(card, 'Token').innerText()).toBe('Set by MODAL_TOKEN_ID and MODAL_TOKEN_SECRET');
    await textMatches(
      card.locator('table tbody tr', { hasText: MODEL_ID }),
      /Queued: sent when Modal can be reached/,
    );
    // Nothing is synced while offline: Sync now is offered, no report exists yet.
    expect(await queue.getByRole('button', { name: 'Sync now' }).isEnabled()).toBe(true);
    expect(status.lastSync).toBeNull();

    const { unnamed } = await unnamedControls(page);
    expect(unnamed).toEqual([]);
    await shoot(page, 'remote-queue-offline', { fullPage: true });
  }, 180_000);

  it('drains by itself when the network returns, and says so in a toast with a way to Review', async () => {
    const { page } = app.browser;
    const fakeDir = join(temp.path, 'fake');
    mkdirSync(fakeDir);
    fixture = await startModalFake(fakeDir, port);
    await setOsOnline(page, true);

    const message = `${FIRST_BATCH} queued identifications finished, ${FIRST_BATCH} need review.`;
    const toast = page.locator('.toast');
    await textMatches(toast, new RegExp(`^${message.replace(/\./g, '\\.')}`), 60_000);
    await visible(toast.getByRole('button', { name: 'Review' }));
    const queue = queueCard(page);
    await textMatches(tally(queue, 'Done'), new RegExp(`^${FIRST_BATCH}$`));
    expect(await tally(queue, 'Waiting').innerText()).toBe('0');
    await visible(queue.getByText('Nothing is waiting.'));
    await textMatches(queue.locator('.last-sync'), new RegExp(message.replace(/\./g, '\\.')));
    const review = queue.getByRole('link', { name: `Review ${FIRST_BATCH} detections` });
    expect(await review.getAttribute('href')).toBe('#/review');
    expect(await fact(remoteCard(page), 'Connection').innerText()).toBe('Online');
    expect(await page.getByRole('navigation', { name: 'Main' }).locator('.badge-queue').count()).toBe(0);

    const status = await remote();
    expect(status.queue).toMatchObject({ pending: 0, running: 0, done: FIRST_BATCH, failed: 0 });
    expect(status.modal.stats.succeeded).toBeGreaterThanOrEqual(FIRST_BATCH);
    expect(status.lastSync).toMatchObject({ identifications: FIRST_BATCH, needReview: FIRST_BATCH, message });
    await shoot(page, 'remote-queue-synced', { fullPage: false });
  }, 120_000);

  it('offline again: cancels one job, keeps the rest after a second thought, and sends them with Sync now', async () => {
    const { page } = app.browser;
    if (!fixture) throw new Error('the fake Modal did not start');
    await setOsOnline(page, false);
    await fixture.fake.stop();
    await importFolder(page, await writePhotos(join(temp.path, 'card-2'), SECOND_BATCH, 10));
    await go(page, '#/status');
    const queue = queueCard(page);
    await textMatches(tally(queue, 'Waiting'), new RegExp(`^${SECOND_BATCH}$`));
    const rows = await jobRows(queue, SECOND_BATCH);

    // One job cancelled from its row.
    const firstJob = (await rows.first().locator('td').first().innerText()).trim();
    await queue.getByRole('button', { name: `Cancel job ${firstJob}` }).click();
    await textMatches(page.locator('.toast'), /^1 job cancelled\./);
    await textMatches(tally(queue, 'Waiting'), new RegExp(`^${SECOND_BATCH - 1}$`));

    // "Cancel all" asks first; "Keep them" keeps them.
    await queue.getByRole('button', { name: 'Cancel all' }).click();
    const question = await visible(
      queue.getByRole('group', { name: /^Cancel all 2 waiting and failed jobs\?/ }),
    );
    await shoot(page, 'remote-queue-cancel-all');
    await question.getByRole('button', { name: 'Keep them' }).click();
    await question.waitFor({ state: 'detached' });
    expect((await remote()).queue.pending).toBe(SECOND_BATCH - 1);

    await fixture.fake.start();
    const sync = page.waitForResponse((r) => r.url().endsWith('/api/queue.sync'), { timeout: 60_000 });
    await queue.getByRole('button', { name: 'Sync now' }).click();
    expect((await sync).ok()).toBe(true);
    const message = `${SECOND_BATCH - 1} queued identifications finished, ${SECOND_BATCH - 1} need review.`;
    await textMatches(page.locator('.toast'), new RegExp(`^${message.replace(/\./g, '\\.')}`));
    await textMatches(queue.locator('.last-sync'), new RegExp(message.replace(/\./g, '\\.')));
    await textMatches(tally(queue, 'Done'), new RegExp(`^${FIRST_BATCH + SECOND_BATCH - 1}$`));
    // Nothing left to send: the queue's buttons go, the sentence says so.
    await visible(queue.getByText('Nothing is waiting.'));
    expect(await queue.getByRole('button', { name: 'Sync now' }).count()).toBe(0);
    await shoot(page, 'remote-queue-sync-now');

    const status = await remote();
    expect(status.queue).toMatchObject({
      pending: 0,
      running: 0,
      failed: 0,
      done: FIRST_BATCH + SECOND_BATCH - 1,
      cancelled: 1,
    });
  }, 180_000);

  it('pauses on an app that is not deployed, and shows the deploy command to copy', async () => {
    const { page, context } = app.browser;
    if (!fixture) throw new Error('the fake Modal did not start');
    fixture.fake.faults.notFound(true);
    // Offline while the photos come in, so nothing is sent by itself before the user asks.
    await setOsOnline(page, false);
    await importFolder(page, await writePhotos(join(temp.path, 'card-3'), 1, 20));
    await go(page, '#/status');
    const queue = queueCard(page);
    await textMatches(tally(queue, 'Waiting'), /^1$/);
    // A person asks: the client and the breaker start afresh, the lookup finds no app.
    await queue.getByRole('button', { name: 'Sync now' }).click();
    await textMatches(
      page.locator('.toast'),
      // (No quotes in the pattern: playwright's has-text selector mangles them.)
      /^1 still queued: Modal app .tiger-id-models. with class EmbedderSmall is not deployed/,
    );

    const card = remoteCard(page);
    const paused = await visible(card.getByRole('status').filter({ hasText: 'Modal calls are paused.' }));
    expect(await paused.innerText()).toMatch(/EmbedderSmall is not deployed\. Deploy it with modal deploy/);
    expect(await paused.locator('pre code').innerText()).toBe('modal deploy models/modal_app.py');

    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.serve.origin });
    await paused.getByRole('button', { name: 'Copy the deploy command' }).click();
    await textMatches(page.locator('.toast'), /^Copied\./);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      'modal deploy models/modal_app.py',
    );

    // Online again: the automatic sync does not knock until the user has fixed it; the job keeps waiting.
    await setOsOnline(page, true);
    await visible(queue.getByText('1 job waiting: Modal calls are paused (see Remote inference).'));
    const status = await remote();
    expect(status.modal.pausedBecause).toMatch(/not deployed/);
    expect(status.queue).toMatchObject({ pending: 1, failed: 0 });
    await paused.scrollIntoViewIfNeeded();
    await shoot(page, 'remote-paused-not-deployed');

    // Deployed now: Sync now sends the job.
    fixture.fake.faults.notFound(false);
    await queue.getByRole('button', { name: 'Sync now' }).click();
    await textMatches(page.locator('.toast'), /^1 queued identification finished, 1 needs review\./);
    await card
      .getByRole('status')
      .filter({ hasText: 'Modal calls are paused.' })
      .waitFor({ state: 'detached' });
  }, 120_000);

  it('saves a token typed in Settings, then offers only to replace or remove it', async () => {
    const { page } = app.browser;
    await go(page, '#/settings');
    const section = page.getByRole('region', { name: 'Remote inference', exact: true });
    await section.getByLabel('Token ID').fill(TOKEN.id);
    await section.getByLabel('Token secret').fill(TOKEN.secret);
    await section.getByRole('button', { name: 'Save token' }).click();
    await textMatches(page.locator('.toast'), /^Modal token saved\./);
    await visible(section.getByText('A Modal token is saved.'));
    await visible(section.getByRole('button', { name: 'Remove token' }));
    // Write-only: the fields are gone, and the page holds the token nowhere.
    expect(await section.getByLabel('Token secret').count()).toBe(0);
    expect(await page.content()).not.toContain(TOKEN.secret);
    expect((await remote()).modal.token).toBe('secret-store');
    await section.getByRole('button', { name: 'Replace token' }).click();
    expect(await section.getByLabel('Token secret').inputValue()).toBe('');
    await section.getByRole('button', { name: 'Keep the saved token' }).click();
  });

  it('never lets the Modal token reach the page', async () => {
    const { page } = app.browser;
    const received = await Promise.all(bodies);
    expect(received.length).toBeGreaterThan(20);
    // The remote status (which says where the token is kept) was among them.
    expect(received.some((b) => b.includes('"tokenStorage"'))).toBe(true);
    for (const body of received) {
      expect(body).not.toContain(TOKEN.secret);
      expect(body).not.toContain(TOKEN.id);
    }
    for (const hash of ['#/status', '#/settings']) {
      await go(page, hash);
      await visible(page.locator('main h1'));
      const html = await page.content();
      expect(html).not.toContain(TOKEN.secret);
      expect(html).not.toContain(TOKEN.id);
    }
    expect(app.browser.errors).toEqual([]);
  });
});
