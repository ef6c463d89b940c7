import { expect, test, type Page } from '@playwright/test';
import { SessionPage } from './session-page';
import { ACTIVITY_KEY, freezeContextClock, noticeOf, openTabs, stored, waitForStored } from './support';

// Idle after 5 s without input; the 1 min timeout is far away, no warning.
const IDLE = { idle: '5s', timeout: '1m', warn: '0s', interval: '250ms' };

async function idleTab(page: Page): Promise<{ app: SessionPage; start: number }> {
  const app = new SessionPage(page);
  const start = await app.freezeClock();
  await app.recordSessionEvents();
  await app.open(IDLE);
  // Park the pointer first, so that later moves report movement.
  await page.mouse.move(5, 5);
  await app.logIn();
  await app.expectState('active', 'none');
  return { app, start };
}

test.describe('idle timeout', () => {
  test('without input the session ends after 5 s, as idle', async ({ page }) => {
    const { app, start } = await idleTab(page);
    await app.runFor(4900);
    await app.expectState('active', 'none');
    await app.runFor(200);
    await app.expectState('signed-out', 'idle');
    await app.expectStorageEmpty();
    await expect(noticeOf(app)).toHaveText('You were signed out after a period of inactivity.');
    const ends = (await app.events()).filter((e) => e.state === 'signed-out');
    expect(ends).toEqual([{ state: 'signed-out', reason: 'idle', at: start + 5000 }]);
  });

  test('real mouse movement and key presses keep it alive', async ({ page }) => {
    const { app, start } = await idleTab(page);

    await app.runFor(3000);
    await page.mouse.move(200, 150, { steps: 4 });
    await expect.poll(() => stored(page, ACTIVITY_KEY)).toBe(String(start + 3000));

    await app.runFor(3000); // 6 s: past the first 5 s, 3 s after the movement
    await app.expectState('active', 'none');
    await page.keyboard.press('Shift');
    await expect.poll(() => stored(page, ACTIVITY_KEY)).toBe(String(start + 6000));

    await app.runFor(3000); // 9 s
    await page.mouse.move(20, 30, { steps: 4 });
    await expect.poll(() => stored(page, ACTIVITY_KEY)).toBe(String(start + 9000));

    await app.runFor(4900); // 13.9 s: 4.9 s after the last input
    await app.expectState('active', 'none');
    await app.runFor(200); // 14.1 s
    await app.expectState('signed-out', 'idle');
    await app.expectStorageEmpty();
  });

  test('synthetic events do not count as activity', async ({ page }) => {
    const { app } = await idleTab(page);
    const before = await stored(page, ACTIVITY_KEY);

    for (let t = 1000; t <= 4000; t += 1000) {
      await app.runFor(1000);
      await page.evaluate(() => {
        const init = { bubbles: true, cancelable: true, composed: true };
        document.body.dispatchEvent(new KeyboardEvent('keydown', { ...init, key: 'a' }));
        window.dispatchEvent(new KeyboardEvent('keydown', { ...init, key: 'a' }));
        document.body.dispatchEvent(new PointerEvent('pointermove', { ...init, movementX: 5, movementY: 5, clientX: 50, clientY: 50 }));
        document.body.dispatchEvent(new PointerEvent('pointerdown', { ...init, clientX: 50, clientY: 50 }));
        window.dispatchEvent(new WheelEvent('wheel', { ...init, deltaY: 10 }));
      });
    }
    expect(await stored(page, ACTIVITY_KEY), 'last activity unchanged').toBe(before);

    await app.runFor(1100); // 5.1 s after log-in
    await app.expectState('signed-out', 'idle');
  });

  test('activity in tab A keeps tab B alive', async ({ context }) => {
    const start = await freezeContextClock(context);
    const [a, b] = await openTabs(context, [IDLE, IDLE]);
    await a.page.mouse.move(5, 5);
    await a.logIn();
    await expect(b.session).toHaveAttribute('data-state', 'active', { timeout: 1000 });

    await a.runFor(4000);
    await a.page.mouse.move(300, 200, { steps: 4 });
    await waitForStored(b.page, ACTIVITY_KEY, String(start + 4000));

    await a.runFor(3900); // 7.9 s after log-in, 3.9 s after A's input: B has had none
    await b.expectState('active', 'none');
    await a.expectState('active', 'none');

    // B alone from here (each page runs its own copy of the fake clock, so
    // with A open, A's end may reach B a few fake ms before B's own).
    await a.page.close();
    await b.runFor(1000); // 8.9 s
    await b.expectState('active', 'none');
    await b.runFor(200); // 9.1 s: 5.1 s after the last input anywhere
    await b.expectState('signed-out', 'idle');
    await b.expectStorageEmpty();
  });

  test('the last-activity key stays removed after log-out', async ({ page }) => {
    const { app } = await idleTab(page);
    await app.runFor(2500);
    await page.mouse.move(60, 60);
    await page.mouse.move(120, 90);
    await app.runFor(500);

    await app.logOut();
    await app.runFor(3000);

    expect(await stored(page, ACTIVITY_KEY)).toBeNull();
    await app.expectStorageEmpty();
  });
});
