#!/usr/bin/env node
// `npx verdict-mcp`: a committed entry point, so npm links the bin even before the build has
// produced dist/ (as in a fresh clone of the repository, where the SDK is a workspace).
require('../dist/mcp.js').run();
