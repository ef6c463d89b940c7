import { freePort, startStaticServer, launchBrowser, openPage, newContext } from './lib.mjs';
const port = await freePort(4390, 4399);
const srv = await startStaticServer('/tmp/bench-dist', port);
const browser = await launchBrowser();
const errors = [];
const ctx = await newContext(browser, true);
const page = await openPage(ctx, srv.url + (process.argv[2] || '?timeout=1h&interval=1s&warn=0s'), errors, 'app');
const cdp = await ctx.newCDPSession(page);
await cdp.send('HeapProfiler.enable');
const mem = async () => { await cdp.send('HeapProfiler.collectGarbage'); const u = await cdp.send('Runtime.getHeapUsage');
  const w = await page.evaluate(async () => (await window.wasmBindings.default()).memory.buffer.byteLength); return `wasm ${w/1024} KiB, js ${(u.usedSize/1024).toFixed(0)} KiB`; };
console.log('start', await mem());
for (let r = 0; r < 10; r++) {
  const t = await page.evaluate(async (n) => { const b = window.__bench; b.keep = false; const t0 = performance.now();
    for (let i = 0; i < n; i++) { (await b.button('Log in')).click(); (await b.button('Log out')).click(); }
    await b.button('Log in'); return performance.now() - t0; }, 1000);
  console.log(`after ${(r+1)*1000}`, await mem(), `${t.toFixed(0)} ms`);
}
console.log(errors);
await browser.close(); await srv.stop();
