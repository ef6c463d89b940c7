import { expect, test, type Page } from '@playwright/test';
import { SessionPage } from './session-page';

// axe-core is loaded as an init script: the app's Content-Security-Policy
// (script-src 'self') rightly blocks a script tag injected into the page.
async function loadAxe(page: Page): Promise<void> {
  await page.addInitScript({ path: require.resolve('axe-core/axe.min.js') });
}

// Every axe-core violation on the current view, whatever its impact.
async function axeViolations(page: Page): Promise<string[]> {
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: any[] }> } }).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n: { target: string[] }) => n.target.join(' ')),
    }));
  });
  return violations.map((v) => `${v.impact} ${v.id}: ${v.targets.join(', ')}`);
}

test.describe('accessibility (axe-core)', () => {
  test('signed-out, signed-in, expiring and config-error views', async ({ page }) => {
    const app = new SessionPage(page);
    // axe-core waits on timers of its own, so the fake clock keeps running
    // here (install without pausing) and the margins are wide.
    await page.clock.install();
    await loadAxe(page);
    await app.open({ timeout: '20s', interval: '250ms', warn: '10s' });
    expect(await axeViolations(page), 'signed-out').toEqual([]);

    await app.logIn();
    await app.expectState('active');
    expect(await axeViolations(page), 'signed-in').toEqual([]);

    await app.runFor(15_000); // about 5 s left: inside the 10 s warning
    await app.expectState('expiring');
    expect(await axeViolations(page), 'expiring').toEqual([]);

    await app.runFor(10_000);
    await app.expectState('signed-out', 'timeout');
    expect(await axeViolations(page), 'signed-out after timeout').toEqual([]);

    await app.open({ timeout: 'banana' });
    await expect(app.configErrors).toBeVisible();
    expect(await axeViolations(page), 'config error').toEqual([]);
  });
});
