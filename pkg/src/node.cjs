// CommonJS entry for Node: `const { Cinnabar } = require('cinnabar')`. It loads the ES
// module entry (node.js) with require(esm), unflagged in Node >= 20.19 and >= 22.12, so
// `require` and `import` share one module instance (one wasm instance, one set of classes).
'use strict';

try {
  module.exports = require('./node.js');
} catch (err) {
  if (err && (err.code === 'ERR_REQUIRE_ESM' || err.code === 'ERR_REQUIRE_ASYNC_MODULE')) {
    throw new Error(`cinnabar: require('cinnabar') needs Node >= 20.19 or >= 22.12 (require of ES modules); use import instead (${err.code})`);
  }
  throw err;
}
