import { expect, test } from '@playwright/test';
import { SessionPage } from './session-page';

test('no page error or console error while logging in, expiring, logging out and reloading', async ({
  page,
}) => {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') {
      const where = message.location();
      problems.push(`console.error: ${message.text()} (${where.url}:${where.lineNumber})`);
    }
  });

  const app = new SessionPage(page);
  await app.freezeClock();
  await app.open({ timeout: '3s', interval: '250ms', warn: '1s' });

  // log in, log out
  await app.logIn();
  await app.runFor(500);
  await app.logOut();

  // log in, reload while valid, warning, expiry
  await app.logIn();
  await app.reload();
  await app.expectState('active');
  await app.runFor(2500);
  await app.expectState('expiring');
  await app.runFor(1000);
  await app.expectState('signed-out', 'timeout');

  // log in, come back after expiry
  await app.logIn();
  await page.goto('about:blank');
  await app.runFor(5000);
  await app.open({ timeout: '3s', interval: '250ms', warn: '1s' });
  await app.expectState('signed-out', 'timeout');

  // a bad override
  await app.open({ timeout: 'banana' });
  await expect(app.configErrors).toBeVisible();
  await app.logIn();
  await app.logOut();

  expect(problems).toEqual([]);
});
