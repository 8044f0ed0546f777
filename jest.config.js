// Three tiers (docs/CONVENTIONS.md): unit specs run without services; integration specs use the
// real PostgreSQL/Redis with a database of their own; system specs drive the running apps over HTTP.
const fs = require('node:fs');
const path = require('node:path');

const swcrc = JSON.parse(fs.readFileSync(path.join(__dirname, '.swcrc'), 'utf8'));
delete swcrc.$schema;
const swcOptions = { ...swcrc, swcrc: false };
// NestJS 12 and a few of its dependencies ship ESM only; Node 20 loads them through require(esm),
// but Jest's module runtime cannot, so those packages are compiled to CommonJS by swc like our code.
const esmOnly = ['@nestjs', 'file-type', 'strtok3', 'token-types', '@tokenizer', 'uint8array-extras', '@borewit'];
const common = {
  transform: { '^.+\\.(ts|js|mjs)$': ['@swc/jest', swcOptions] },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFiles: ['reflect-metadata'],
};

// One MES for the specs of a run that need none of their own (tests/support/shared-mes.ts).
const sharedMes = {
  globalSetup: '<rootDir>/tests/support/shared-mes.setup.ts',
  globalTeardown: '<rootDir>/tests/support/shared-mes.teardown.ts',
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,tools}/**/*.spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/tools/jest/unit-timeout.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs}/**/*.integration-spec.ts'],
      // testTimeout is a global option that projects ignore: each tier sets its own here.
      setupFilesAfterEnv: ['<rootDir>/tools/jest/integration-timeout.ts'],
    },
    {
      ...common,
      displayName: 'system',
      testMatch: ['<rootDir>/tests/**/*.system-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/tools/jest/system-timeout.ts'],
      ...sharedMes,
    },
    {
      ...common,
      // The web UI in headless Chromium against the running apps (tests/support/browser.ts).
      displayName: 'browser',
      testMatch: ['<rootDir>/tests/**/*.browser-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/tools/jest/system-timeout.ts'],
      ...sharedMes,
    },
  ],
};
