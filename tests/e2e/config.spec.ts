import { expect, test } from '@playwright/test';
import { DEFAULT_TIMEOUT_MS, SessionPage, decodeJwt } from './session-page';

async function tokenLifetime(app: SessionPage): Promise<{ setMs: number; expMs: number }> {
  const { token, setTime } = await app.storage();
  expect(token).not.toBeNull();
  expect(setTime).toMatch(/^\d+$/);
  return { setMs: Number(setTime), expMs: (decodeJwt(token!).payload.exp as number) * 1000 };
}

test.describe('URL overrides', () => {
  test('a bad timeout shows an error naming it, and the default is used', async ({ page }) => {
    const app = new SessionPage(page);
    await app.freezeClock();
    await app.open({ timeout: 'banana' });

    await expect(app.configErrors).toBeVisible();
    await expect(app.configErrors).toHaveAttribute('role', 'alert');
    await expect(app.configErrors).toContainText('timeout');
    await expect(page.getByRole('alert')).toContainText('timeout');

    // The app still works, with the default 30 minute timeout.
    await app.logIn();
    await app.expectState('active', 'none');
    const { setMs, expMs } = await tokenLifetime(app);
    expect(expMs).toBeGreaterThanOrEqual(setMs + DEFAULT_TIMEOUT_MS);
    expect(expMs).toBeLessThan(setMs + DEFAULT_TIMEOUT_MS + 1000);
    await app.runFor(60_000);
    await app.expectState('active');
  });

  test('each bad value is named', async ({ page }) => {
    const app = new SessionPage(page);
    await app.freezeClock();
    await app.open({ timeout: 'banana', interval: '5' });
    await expect(app.configErrors).toBeVisible();
    await expect(app.configErrors).toContainText('timeout');
    await expect(app.configErrors).toContainText('interval');
  });

  test('good overrides show no error and are used', async ({ page }) => {
    const app = new SessionPage(page);
    await app.freezeClock();
    await app.open({ timeout: '3s', interval: '250ms', warn: '0s', idle: '0s', leeway: '60s' });
    await expect(app.configErrors).toBeHidden();

    await app.logIn();
    const { setMs, expMs } = await tokenLifetime(app);
    expect(expMs).toBeGreaterThanOrEqual(setMs + 3000);
    expect(expMs).toBeLessThan(setMs + 4000);
  });
});
