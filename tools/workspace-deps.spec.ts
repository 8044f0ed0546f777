import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { unlistedImports, type ProjectImports } from './workspace-deps';

// The project graph (`npx nx graph`) draws its edges from each project's package.json: an import that
// is not listed there is an arrow the graph does not show (docs/CONVENTIONS.md, "Projects and boundaries").

const ROOT = path.resolve(__dirname, '..');
const TEST_FILE = /\.(spec|integration-spec|system-spec|browser-spec|fuzz\.spec)\.tsx?$|\/(testing|__fixtures__)\//;
const IMPORT = /(?:from|import\(|require\()\s*'(@mes\/[a-z0-9-]+)'/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(full);
    return /\.tsx?$/.test(name) ? [full] : [];
  });
}

function project(dir: string): ProjectImports {
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
    name: string;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const production = new Set<string>();
  const test = new Set<string>();
  for (const file of sourceFiles(path.join(dir, 'src'))) {
    const into = TEST_FILE.test(file.split(path.sep).join('/')) ? test : production;
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) into.add(m[1]);
  }
  return {
    name: pkg.name,
    dependencies: Object.keys(pkg.dependencies ?? {}),
    devDependencies: Object.keys(pkg.devDependencies ?? {}),
    production: [...production],
    test: [...test],
  };
}

describe('workspace dependencies', () => {
  const projects = ['apps', 'libs'].flatMap((top) =>
    readdirSync(path.join(ROOT, top))
      .map((name) => path.join(ROOT, top, name))
      .filter((dir) => {
        try {
          return statSync(path.join(dir, 'package.json')).isFile();
        } catch {
          return false;
        }
      }),
  );

  it('finds the projects', () => {
    expect(projects.length).toBeGreaterThan(20);
  });

  it.each(projects.map((dir) => [path.relative(ROOT, dir), dir]))('%s lists every @mes package it imports', (_, dir) => {
    expect(unlistedImports(project(dir))).toEqual([]);
  });
});

describe('unlistedImports', () => {
  const base: ProjectImports = { name: '@mes/a', dependencies: ['@mes/b'], devDependencies: ['@mes/t'], production: [], test: [] };

  it('passes imports that are listed, and the project itself', () => {
    expect(unlistedImports({ ...base, production: ['@mes/a', '@mes/b'], test: ['@mes/b', '@mes/t'] })).toEqual([]);
  });

  it('names a production import missing from dependencies, even when devDependencies has it', () => {
    expect(unlistedImports({ ...base, production: ['@mes/c', '@mes/t'] })).toEqual([
      '@mes/a imports @mes/c in production code: add it to "dependencies"',
      '@mes/a imports @mes/t in production code: add it to "dependencies"',
    ]);
  });

  it('names a test import listed nowhere', () => {
    expect(unlistedImports({ ...base, test: ['@mes/d'] })).toEqual(['@mes/a imports @mes/d in its tests: add it to "devDependencies"']);
  });
});
