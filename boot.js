// Starts the wasm app. A file of its own rather than trunk's inline loader,
// so that the Content-Security-Policy in index.html can forbid inline script.
import init, * as bindings from './leptos-jwt-session.js';

await init({ module_or_path: new URL('./leptos-jwt-session_bg.wasm', import.meta.url) });
window.wasmBindings = bindings;
