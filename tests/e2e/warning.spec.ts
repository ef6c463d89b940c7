import { expect, test, type Page } from '@playwright/test';
import { SET_TIME_KEY, SessionPage } from './session-page';
import {
  dialogOf,
  freezeContextClock,
  noticeOf,
  openTabs,
  recordDialogCloses,
  stored,
  waitForDialogCloses,
  waitForStored,
} from './support';

// A 20 s session warned 5 s before its end, checked every 250 ms.
const QUERY = { timeout: '20s', warn: '5s', interval: '250ms' };

async function focusInside(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const dialog = document.querySelector('[data-testid="expiry-dialog"]');
    return !!dialog && dialog.contains(document.activeElement);
  });
}

/** Opens the app with the clock paused at `start`, and logs in `offset` ms after load. */
async function signedIn(page: Page, offset: number): Promise<{ app: SessionPage; setTime: number }> {
  const app = new SessionPage(page);
  const start = await app.freezeClock();
  await app.recordSessionEvents();
  await recordDialogCloses(page.context());
  await app.open(QUERY);
  if (offset > 0) await app.runFor(offset);
  await app.logIn();
  await app.expectState('active', 'none');
  expect(await stored(page, SET_TIME_KEY)).toBe(String(start + offset));
  return { app, setTime: start + offset };
}

/** Runs the clock until 15 s after `setTime` and checks the dialog is open there. */
async function untilWarned(app: SessionPage, now: number, setTime: number): Promise<void> {
  await app.runFor(setTime + 15_000 - now);
  await app.expectState('expiring');
  expect(await dialogOf(app).isOpen()).toBe(true);
}

test.describe('warning before the end', () => {
  // Log in at the instant the page loaded, and 100 ms later (between two
  // ticks of the 250 ms Interval, as a real click would be).
  for (const offset of [0, 100]) {
    test(`opens at deadline - warn and not before (log in ${offset} ms after load)`, async ({ page }) => {
      const { app } = await signedIn(page, offset);
      const { dialog, isOpen } = dialogOf(app);
      expect(await isOpen()).toBe(false);
      await expect(dialog).toBeHidden();

      await app.runFor(14_900);
      await app.expectState('active', 'none');
      expect(await isOpen(), 'closed at 14.9 s').toBe(false);
      await expect(dialog).toBeHidden();

      await app.runFor(100); // 15 s = deadline - warn
      await app.expectState('expiring');
      expect(await isOpen(), 'open at 15 s').toBe(true);
      await expect(dialog).toBeVisible();
    });
  }

  test('is a modal alertdialog with a name and a description, and takes focus', async ({ page }) => {
    const { app, setTime } = await signedIn(page, 0);
    await untilWarned(app, setTime, setTime);
    const { dialog, stay, logOut } = dialogOf(app);

    await expect(page.getByRole('alertdialog')).toHaveCount(1);
    await expect(dialog).toHaveAttribute('role', 'alertdialog');
    await expect(dialog).toHaveAccessibleName(/\S/);
    await expect(dialog).toHaveAccessibleName('Your session is about to end');
    await expect(dialog).toHaveAccessibleDescription(/signed out in/);
    expect(await dialog.evaluate((d) => d.matches(':modal')), 'opened with showModal()').toBe(true);
    expect(await focusInside(page), 'focus is inside the dialog').toBe(true);
    await expect(stay).toBeFocused();
    await expect(stay).toBeVisible();
    await expect(logOut).toBeVisible();

    // The page's own "Log out" stays, behind the modal: it cannot be hit by
    // the pointer nor reached with Tab.
    const pageLogOut = page.locator('.actions').getByRole('button', { name: 'Log out', exact: true });
    const hit = await pageLogOut.evaluate((button) => {
      const r = button.getBoundingClientRect();
      return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === button;
    });
    expect(hit, 'the page behind the dialog is not hit').toBe(false);
    // Tab cycles through the dialog (and out to the browser, where the
    // document's activeElement is <body>), never onto the page behind it.
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      const where = await page.evaluate(() => {
        const active = document.activeElement;
        if (!active || active === document.body) return 'outside the document';
        return active.closest('[data-testid="expiry-dialog"]') ? 'dialog' : `page: ${active.outerHTML}`;
      });
      expect(['dialog', 'outside the document'], `after Tab ${i + 1}`).toContain(where);
    }
  });

  test('Enter on the focused "Stay signed in" extends the session', async ({ page }) => {
    const { app, setTime } = await signedIn(page, 0);
    const before = await app.storage();
    await untilWarned(app, setTime, setTime);
    await expect(dialogOf(app).stay).toBeFocused();

    await page.keyboard.press('Enter');
    await app.expectState('active', 'none');
    const after = await app.storage();
    expect(after.setTime).toBe(String(setTime + 15_000));
    expect(after.token).not.toBe(before.token);
    expect(await dialogOf(app).isOpen()).toBe(false);
    await expect(dialogOf(app).dialog).toBeHidden();
    await waitForDialogCloses(page, 1);

    // The new session runs its full 20 s from the extension.
    await app.runFor(14_900);
    await app.expectState('active');
    await app.runFor(5200);
    await app.expectState('signed-out', 'timeout');
  });

  test('focus returns where it was when the dialog closes', async ({ page }) => {
    const { app, setTime } = await signedIn(page, 0);
    await app.logOutButton.focus();
    await untilWarned(app, setTime, setTime);
    await expect(dialogOf(app).stay).toBeFocused();

    await page.keyboard.press('Enter');
    await app.expectState('active', 'none');
    await waitForDialogCloses(page, 1);

    await expect(app.logOutButton).toBeFocused();
  });

  test('Esc extends the session', async ({ page }) => {
    const { app, setTime } = await signedIn(page, 0);
    await untilWarned(app, setTime, setTime);

    await page.keyboard.press('Escape');
    await app.expectState('active', 'none');
    expect(await stored(page, SET_TIME_KEY)).toBe(String(setTime + 15_000));
    expect(await dialogOf(app).isOpen()).toBe(false);
    await waitForDialogCloses(page, 1);

    // The new session runs its full 20 s from the extension.
    await app.runFor(14_900);
    await app.expectState('active', 'none');
    await app.runFor(5200);
    await app.expectState('signed-out', 'timeout');
  });

  test('ten keyboard extensions in a row', async ({ page }) => {
    const { app, setTime: first } = await signedIn(page, 0);
    let now = first;
    let setTime = first;
    for (let i = 0; i < 10; i++) {
      await untilWarned(app, now, setTime);
      now = setTime + 15_000;
      await expect(dialogOf(app).stay, `extension ${i + 1}: Stay signed in has focus`).toBeFocused();
      await page.keyboard.press(i % 2 === 0 ? 'Enter' : 'Escape');
      await app.expectState('active', 'none');
      expect(await stored(page, SET_TIME_KEY), `extension ${i + 1}`).toBe(String(now));
      expect(await dialogOf(app).isOpen(), `extension ${i + 1}: dialog closed`).toBe(false);
      await waitForDialogCloses(page, i + 1);
      setTime = now;
    }
    const ends = (await app.events()).filter((e) => e.state === 'signed-out');
    expect(ends, 'never signed out meanwhile').toEqual([]);
  });

  test('"Log out" in the dialog ends the session with reason logout', async ({ page }) => {
    const { app, setTime } = await signedIn(page, 0);
    await untilWarned(app, setTime, setTime);

    await dialogOf(app).logOut.click();
    await app.expectState('signed-out', 'logout');
    await app.expectStorageEmpty();
    expect(await dialogOf(app).isOpen()).toBe(false);
    await expect(noticeOf(app)).toHaveText('You logged out.');
    await expect(noticeOf(app)).toBeFocused();
  });

  test('after the timeout, the dialog closes and focus moves to the signed-out notice', async ({ page }) => {
    const { app, setTime } = await signedIn(page, 0);
    await untilWarned(app, setTime, setTime);
    await app.runFor(5100);
    await app.expectState('signed-out', 'timeout');
    expect(await dialogOf(app).isOpen()).toBe(false);
    await expect(noticeOf(app)).toHaveText('Your session timed out.');
    await expect(noticeOf(app)).toBeFocused();
  });

  test('two tabs: the dialog shows in both; extending in one closes it in the other', async ({ context }) => {
    const start = await freezeContextClock(context);
    await recordDialogCloses(context);
    const [a, b] = await openTabs(context, [QUERY, QUERY]);
    await a.logIn();
    await expect(b.session).toHaveAttribute('data-state', 'active', { timeout: 1000 });

    await a.runFor(15_000);
    await a.expectState('expiring');
    await b.expectState('expiring');
    expect(await dialogOf(a).isOpen()).toBe(true);
    expect(await dialogOf(b).isOpen()).toBe(true);

    await a.page.keyboard.press('Enter');
    await a.expectState('active', 'none');
    expect(await dialogOf(a).isOpen()).toBe(false);

    // Through the storage event: the clock stays paused.
    await waitForStored(b.page, SET_TIME_KEY, String(start + 15_000));
    await expect(b.session).toHaveAttribute('data-state', 'active', { timeout: 1000 });
    await expect.poll(() => dialogOf(b).isOpen(), { timeout: 1000 }).toBe(false);
    await expect(dialogOf(b).dialog).toBeHidden();
    await waitForDialogCloses(a.page, 1);
    await waitForDialogCloses(b.page, 1);

    // Both run the renewed session: warned again 15 s after the extension.
    await a.runFor(14_900);
    await a.expectState('active', 'none');
    await b.expectState('active', 'none');
    await a.runFor(100);
    await a.expectState('expiring');
    await b.expectState('expiring');
  });

  test('a close the app did not make keeps a dialog when the warning is as long as the timeout', async ({
    page,
  }) => {
    const app = new SessionPage(page);
    await app.freezeClock();
    await app.open({ timeout: '20s', warn: '20s', interval: '250ms' });
    await app.logIn();
    await app.expectState('expiring');
    const before = await app.storage();

    await dialogOf(app).dialog.evaluate((d) => (d as HTMLDialogElement).close());

    // The close counts as "stay": a new session, still expiring, and the
    // dialog open again so that its buttons stay reachable.
    await expect.poll(async () => (await app.storage()).token).not.toBe(before.token);
    await app.expectState('expiring', 'none');
    await expect.poll(() => dialogOf(app).isOpen()).toBe(true);
    await expect(dialogOf(app).stay).toBeVisible();
  });
});
