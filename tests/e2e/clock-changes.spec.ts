import { expect, test } from '@playwright/test';
import { SET_TIME_KEY, SessionPage } from './session-page';
import { freezeContextClock, openTabs, stored } from './support';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const HALF_HOUR = { timeout: '30m', interval: '1s', warn: '0s' };

// Wall-clock changes while pages live: `setSystemTime` moves Date.now()
// without running timers or moving performance.now(), as a clock change or
// system sleep does.
test.describe('clock changes', () => {
  test('after the clock is set back, a log-in in one tab is not undone by another', async ({ context }) => {
    const start = await freezeContextClock(context);
    const [a, b] = await openTabs(context, [HALF_HOUR, HALF_HOUR]);
    await context.clock.setSystemTime(start - 2 * HOUR);
    await context.clock.runFor(1000);

    await a.logIn();
    await context.clock.runFor(3000);

    await a.expectState('active', 'none');
    await b.expectState('active', 'none');
    expect(await stored(a.page, SET_TIME_KEY)).not.toBeNull();
  });

  test('a renewal in one tab after the clock went back beyond the leeway keeps both tabs signed in', async ({
    context,
  }) => {
    const start = await freezeContextClock(context);
    const query = { timeout: '20s', warn: '10s', interval: '250ms' };
    const [a, b] = await openTabs(context, [query, query]);
    await a.logIn();
    await context.clock.runFor(10_000);
    await context.clock.setSystemTime(start + 10_000 - HOUR);
    await context.clock.runFor(500);

    await b.page.bringToFront();
    await b.page.getByTestId('expiry-dialog').getByRole('button', { name: 'Stay signed in' }).click();
    for (let i = 0; i < 8; i++) await context.clock.runFor(250);

    await a.expectState('active', 'none');
    await b.expectState('active', 'none');
    expect(await stored(a.page, SET_TIME_KEY)).not.toBeNull();
  });

  test('the clock set forward, then back, never gives time back', async ({ page }) => {
    const app = new SessionPage(page);
    const start = await app.freezeClock();
    await app.open(HALF_HOUR);
    await app.logIn();

    await page.clock.setSystemTime(start + 20 * MINUTE);
    await page.clock.runFor(1000);
    await expect(app.remaining).toHaveText(/^\s*(9:5\d|10:00)\s*$/);
    await page.clock.setSystemTime(start + 1000);
    await page.clock.runFor(1000);

    const shown = (await app.remaining.innerText()).trim();
    const [minutes] = shown.split(':').map(Number);
    expect(minutes, `remaining after the clock went back: ${shown}`).toBeLessThan(10);
    await page.clock.runFor(10 * MINUTE);
    await app.expectState('signed-out', 'timeout');
  });

  test('idle counts from the last real input, not from its last shared write', async ({ page }) => {
    const app = new SessionPage(page);
    await app.freezeClock();
    await app.open({ idle: '5s', timeout: '1m', warn: '0s', interval: '250ms' });
    await app.logIn();

    await app.runFor(1900);
    await page.mouse.move(10, 10);
    await page.mouse.move(200, 150);
    await page.keyboard.press('Shift');

    // 5 s after login would be the end if the input at 1.9 s were lost.
    await app.runFor(4500);
    await app.expectState('active', 'none');
    await app.runFor(1000);
    await app.expectState('signed-out', 'idle');
  });
});
