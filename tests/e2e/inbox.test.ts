import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { startServer, type TestServer } from '../helpers/app.js';
import { artifactPath, browserAvailable, launchBrowser } from '../helpers/browser.js';
import { germanIntake } from '../helpers/intake.js';
import { createAccount } from '../../bot/inbox/auth.js';
import { DEFAULT_STAFF_FILE, loadStaffOrThrow } from '../../knowledge/staff.js';

describe.skipIf(!browserAvailable())('inbox in a real browser', () => {
  let server: TestServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  beforeAll(async () => {
    server = await startServer({ OUTBOX_INTERVAL_MS: '600000' });
    const staff = loadStaffOrThrow(DEFAULT_STAFF_FILE, server.app.kb.district);
    await createAccount(server.app.store, staff, { username: 'aylin', password: 'a long enough password', staffId: 'demo-nord-2', role: 'case-manager' });
    // A person in Kleve asks for a person and sends a request through the chat API.
    const conversationId = 'inbox-browser-test-0000001';
    const need = 'Ich habe einen Brief vom Jobcenter bekommen und verstehe ihn nicht <script>alert(1)</script>';
    const steps = [...germanIntake({ phone: '02821 123456', need, deadline: { text: 'bis 3. Dezember', authority: 'jobcenter' }, transcript: false }), { action: 'intake:send' }];
    for (const step of steps) expect((await server.post('/api/chat', { conversationId, ...step })).status).toBe(200);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('sign in, see the request, open it, claim it', async () => {
    const page = await browser.browser.newPage();
    await page.goto(`${server.url}/inbox`);
    await page.getByLabel('Benutzername').fill('aylin');
    await page.getByLabel('Passwort').fill('wrong password here');
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await expect.poll(() => page.locator('#error').textContent()).toContain('falsch');

    await page.getByLabel('Passwort').fill('a long enough password');
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.locator('#rows tr').first().waitFor();
    expect(await page.locator('#rows tr').count()).toBe(1);
    expect(await page.locator('#rows tr td').nth(1).textContent()).toBe('Frist');
    await page.screenshot({ path: artifactPath('inbox-list.png'), fullPage: true });

    await page.locator('#rows tr').first().click();
    await page.locator('#claim').waitFor();
    // The person's words are shown as text, never run as HTML.
    expect(await page.locator('.own').first().textContent()).toContain('<script>alert(1)</script>');
    expect(await page.locator('#detail').textContent()).toContain('Prozesshafte Begleitung');
    await page.locator('#claim').click();
    await page.locator('#contacted').waitFor();
    expect(await page.locator('#detail').textContent()).toContain('übernommen');
    await page.screenshot({ path: artifactPath('inbox-detail.png'), fullPage: true });
    const rows = await server.app.store.query<{ status: string; claimed_by: string }>('select status, claimed_by from handovers');
    expect(rows).toEqual([{ status: 'claimed', claimed_by: 'demo-nord-2' }]);
  });

  test('the person asks to delete their data: a German badge in list and detail, erased with one click', async () => {
    for (const step of [{ text: 'Bitte löschen Sie alle meine Daten' }, { action: 'privacy:delete-yes' }]) expect((await server.post('/api/chat', { conversationId: 'inbox-browser-test-0000001', ...step })).status).toBe(200);
    const page = await browser.browser.newPage();
    await page.goto(`${server.url}/inbox`);
    await page.getByLabel('Benutzername').fill('aylin');
    await page.getByLabel('Passwort').fill('a long enough password');
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.locator('#rows tr').first().waitFor();
    expect(await page.locator('#rows tr .badge.deletion').textContent()).toBe('Löschung beantragt');
    await page.locator('#rows tr').first().click();
    await page.locator('#erase').waitFor();
    expect(await page.locator('#detail').textContent()).toContain('verlangt, dass ihre Daten gelöscht werden');
    await page.screenshot({ path: artifactPath('inbox-deletion-requested.png'), fullPage: true });
    page.once('dialog', (dialog) => void dialog.accept());
    await page.locator('#erase').click();
    await expect.poll(() => page.locator('#detail').textContent()).toContain('auf Wunsch der Person gelöscht');
    expect(await page.locator('#erase').count()).toBe(0);
    const rows = await server.app.store.query<{ status: string; record: unknown }>('select status, record from handovers');
    expect(rows).toEqual([{ status: 'withdrawn', record: null }]);
  });
});
