#!/usr/bin/env node
// CommonJS on purpose: see scripts/bundle.js.
require('../dist/bundle/cli.cjs').main();
