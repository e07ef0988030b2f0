'use strict';
// Tests are TypeScript, transpiled by ts-jest without type-checking (types are
// checked by `npm run typecheck`). Integration and e2e tests drive the compiled
// dist/, so `npm test` builds first.
// Jest 29, not 30: Jest 30's resolver ships per-platform native packages that
// npm 11 leaves out of package-lock.json, which makes `npm ci` refuse the lock
// (npm/cli#4828); Jest 29 has no native dependency.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', isolatedModules: true, diagnostics: false }],
  },
  testTimeout: 60000,
  // Real daemons and workers per test file: two at a time is what a 2-core box takes.
  maxWorkers: 2,
};
