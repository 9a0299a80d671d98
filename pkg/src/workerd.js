// Cloudflare workerd: Workers may not compile wasm from bytes, so the .wasm is imported
// as a module and instantiated synchronously. Active expiry runs on each call (workers
// get no background timers between requests).
import wasmModule from '../dist/cinnabar_bg.wasm';
import { initSync } from '../dist/cinnabar.js';
import { setWasmLoader, setDefaultActiveExpire } from './core.js';

setWasmLoader(() => initSync({ module: wasmModule }));
setDefaultActiveExpire('call');

export * from './core.js';
export { default } from './core.js';
