// Node (>= 20) entry: the wasm is read from disk and instantiated synchronously.
import { readFileSync } from 'node:fs';
import { initSync } from '../dist/cinnabar.js';
import { setWasmLoader } from './core.js';

setWasmLoader(() => initSync({ module: readFileSync(new URL('../dist/cinnabar_bg.wasm', import.meta.url)) }));

export * from './core.js';
export { default } from './core.js';
