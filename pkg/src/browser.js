// Browsers, bundlers and Deno: the wasm is fetched next to this file and compiled
// asynchronously (Cinnabar.open awaits it).
import init from '../dist/cinnabar.js';
import { setWasmLoader } from './core.js';

setWasmLoader(() => init({ module_or_path: new URL('../dist/cinnabar_bg.wasm', import.meta.url) }));

export * from './core.js';
export { default } from './core.js';
