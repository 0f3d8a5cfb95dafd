import type { Config } from 'jest';

// Drives the built product (api + web) in a real Chromium. Not a unit-test
// project: run it through `nx e2e web-e2e`, which builds both apps first.
const config: Config = {
  displayName: 'web-e2e',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.e2e.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  globalSetup: '<rootDir>/src/support/global-setup.ts',
  globalTeardown: '<rootDir>/src/support/global-teardown.ts',
  testTimeout: 20_000,
};

module.exports = config;
