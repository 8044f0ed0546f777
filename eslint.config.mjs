// Lint: type-aware promise and switch rules, and Nx module boundaries by tag (docs/CONVENTIONS.md,
// docs/architecture.md "Bounded contexts").
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

// Every project carries one scope (its bounded context) and one type. A context imports only its own
// libraries and the shared ones; scope:shared is for what every context uses.
const SCOPES = [
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:tracking', onlyDependOnLibsWithTags: ['scope:shared', 'scope:tracking'] },
  // test-data: the rig ingest service and its binning worker (one bounded context, two processes).
  { sourceTag: 'scope:test-data', onlyDependOnLibsWithTags: ['scope:shared', 'scope:test-data'] },
  { sourceTag: 'scope:process', onlyDependOnLibsWithTags: ['scope:shared', 'scope:process'] },
  // Reserved for the contexts that are arriving: singulation and stacking, and the web UI.
  { sourceTag: 'scope:assembly', onlyDependOnLibsWithTags: ['scope:shared', 'scope:assembly'] },
  // The web UI runs in the browser: it talks to the MES over HTTP and imports no server code.
  { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:web'] },
  { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:shared', 'scope:gateway'] },
];

// Layers: util (plain TypeScript, no framework) < data-access and feature (NestJS pieces) < app.
// Production code never imports a type:testing library.
const TYPES = (testCode) => {
  const testing = testCode ? ['type:testing'] : [];
  return [
    { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', ...testing] },
    { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:util', 'type:data-access', 'type:feature', ...testing] },
    { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:util', 'type:data-access', 'type:feature', ...testing] },
    { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:util', 'type:data-access', 'type:feature', ...testing] },
    { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:util', 'type:data-access', 'type:feature', 'type:testing'] },
  ];
};

const boundaries = (testCode) => [
  'error',
  {
    allow: [],
    depConstraints: [...SCOPES, ...TYPES(testCode)],
  },
];

// Another project is imported by its package name alone (its package.json main: src/index.ts). Nx
// refuses relative paths into another project; these catch deep package paths, and relative paths
// from tools/ and tests/, which belong to no project.
const DEEP_IMPORT = {
  regex: '^@mes/[^/]+/.+',
  message: 'Import a project through its entry point (the package name alone); export what you need from its src/index.ts.',
};
const PATH_INTO_PROJECT = {
  regex: '^(\\.\\./)+(apps|libs)/',
  message: "Import another project by its package name (e.g. '@mes/tracking'), not by a path into its folder.",
};

// Test code: the three jest tiers and each app's test stacks (src/testing/).
const TEST_FILES = [
  '**/*.spec.ts',
  '**/*.integration-spec.ts',
  '**/*.system-spec.ts',
  'apps/*/src/testing/**/*.ts',
  'libs/testing/**/*.ts',
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'dist/**', '.data/**', '.nx/**', 'coverage/**', 'tmp/**', '**/*.mjs', '**/*.js'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    plugins: { '@nx': nx },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': boundaries(false),
      'no-restricted-imports': ['error', { patterns: [DEEP_IMPORT] }],
    },
  },
  { files: TEST_FILES, rules: { '@nx/enforce-module-boundaries': boundaries(true) } },
  {
    files: ['tools/**/*.ts', 'tests/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [DEEP_IMPORT, PATH_INTO_PROJECT] }] },
  },
  // Last: switch off every stylistic rule that Prettier owns.
  prettier,
);
