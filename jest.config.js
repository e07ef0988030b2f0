'use strict';
// Tests are TypeScript, transpiled by swc (types are checked by `npm run typecheck`).
// Integration and e2e tests drive the compiled dist/, so `npm test` builds first.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testTimeout: 60000,
  // Real daemons and workers per test file: two at a time is what a 2-core box takes.
  maxWorkers: 2,
};
