// Jest preset for every non-Angular project (api, server, domain, contracts, util).
// Nest 12, MikroORM 7 and @nestjs/cqrs ship as ES modules only, so these tests run as
// native ESM: ts-jest emits ESM and jest needs NODE_OPTIONS=--experimental-vm-modules
// (set by the test targets in nx.json). Type checking is the `typecheck` target's job;
// ts-jest only transpiles (isolatedModules in tsconfig.spec.json) to stay fast.
const path = require('node:path');
const nxPreset = require('@nx/jest/preset').default;

module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { tsconfig: '<rootDir>/tsconfig.spec.json', useESM: true },
    ],
  },
  globalSetup: path.join(__dirname, 'tools/jest/postgres-probe.cjs'),
  setupFilesAfterEnv: [path.join(__dirname, 'tools/jest/preload-nest.mjs')],
  // Integration specs open real databases; give slow 2-core machines room.
  testTimeout: 60_000,
};
