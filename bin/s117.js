#!/usr/bin/env node
// The `s117` command. Runs on the Node 24 the project installs (node_modules/.bin/node).
import '../src/cli/main.ts';
