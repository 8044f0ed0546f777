// Lint: type-aware promise and switch rules, and Nx module boundaries by tag (docs/CONVENTIONS.md).
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

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
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: [
            // Pure domain libraries (eis, binning, geometry, simulator, config) import only each other.
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:util', 'type:feature'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:util', 'type:feature'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            // A service uses shared libraries, never another service's code.
            { sourceTag: 'scope:tracking', onlyDependOnLibsWithTags: ['scope:shared', 'scope:tracking'] },
            { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:shared', 'scope:gateway'] },
            // test-data: the rig ingest service and its binning worker (one bounded context, two processes).
            { sourceTag: 'scope:test-data', onlyDependOnLibsWithTags: ['scope:shared', 'scope:test-data'] },
            { sourceTag: 'scope:process', onlyDependOnLibsWithTags: ['scope:shared', 'scope:process'] },
            // The web UI runs in the browser: it talks to the MES over HTTP and imports no server code.
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:web'] },
          ],
        },
      ],
    },
  },
);
