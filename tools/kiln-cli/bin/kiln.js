#!/usr/bin/env node
// Kiln's command line: loads the TypeScript sources through @swc-node/register.
'use strict';
require('@swc-node/register');
require('../src/main.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
