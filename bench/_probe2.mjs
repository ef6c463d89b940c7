import { freePort, startStaticServer, launchBrowser, openPage, newContext } from './lib.mjs';
const port = await freePort(4390, 4399);
const srv = await startStaticServer('/tmp/bench-dist', port);
const browser = await launchBrowser();
const errors = [];
const ctx = await newContext(browser, true);
const q = '?timeout=1h&interval=1s&warn=0s';
const A = await openPage(ctx, srv.url + q, errors, 'A');
const B = await openPage(ctx, srv.url + q, errors, 'B');
const w = (p) => p.evaluate(async () => (await window.wasmBindings.default()).memory.buffer.byteLength / 1024);
console.log('start A', await w(A), 'B', await w(B));
for (let r = 0; r < 4; r++) {
  await A.evaluate(async (n) => { const b = window.__bench; b.keep = false;
    for (let i = 0; i < n; i++) { (await b.button('Log in')).click(); await new Promise(r => setTimeout(r, 2)); (await b.button('Log out')).click(); await new Promise(r => setTimeout(r, 2)); }
  }, 1000);
  await new Promise(r => setTimeout(r, 500));
  const cB = await B.evaluate(() => window.__bench.count);
  console.log(`after ${(r+1)*1000}: A ${await w(A)} KiB, B ${await w(B)} KiB (B saw ${cB} changes)`);
}
await browser.close(); await srv.stop();
