/** The @mes packages a project imports, split by where, and those its package.json lists. */
export interface ProjectImports {
  name: string;
  dependencies: string[];
  devDependencies: string[];
  /** Imported by production code. */
  production: string[];
  /** Imported only by tests and test helpers. */
  test: string[];
}

/** What a project imports without listing it: production code needs "dependencies", tests either list. */
export function unlistedImports(p: ProjectImports): string[] {
  const deps = new Set(p.dependencies);
  const any = new Set([...p.dependencies, ...p.devDependencies]);
  const problems: string[] = [];
  for (const m of [...p.production].sort())
    if (m !== p.name && !deps.has(m)) problems.push(`${p.name} imports ${m} in production code: add it to "dependencies"`);
  for (const m of [...p.test].sort())
    if (m !== p.name && !any.has(m) && !p.production.includes(m))
      problems.push(`${p.name} imports ${m} in its tests: add it to "devDependencies"`);
  return problems;
}
