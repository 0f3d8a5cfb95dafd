// @nestjs/throttler is CommonJS and require()s @nestjs/common, which is an ES module. Under
// Jest's ESM support that require fails as a "cycle" while @nestjs/common is still being
// linked; evaluating Nest's ES modules before any test file imports them avoids that state.
// (The webpack build of the api bundles everything as CommonJS and is unaffected.)
await import('@nestjs/common');
await import('@nestjs/core');
