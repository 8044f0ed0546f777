import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GRAPHQL_ACCESS, REST_ACCESS } from './access-table';
import { renderRoleTables, ROLE_DOC_END, ROLE_DOC_START, withRenderedRoleTables } from './role-doc';

describe('docs/roles.md and the access table', () => {
  const doc = readFileSync(path.resolve(__dirname, '../../../docs/roles.md'), 'utf8');

  it('the doc holds exactly what the table renders (else: npm run roles-doc)', () => {
    const start = doc.indexOf(ROLE_DOC_START);
    const end = doc.indexOf(ROLE_DOC_END);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    expect(doc.slice(start, end + ROLE_DOC_END.length)).toBe(renderRoleTables());
  });

  it('renders every coordinate and route once, and notices a row changed', () => {
    const rendered = renderRoleTables();
    for (const c of Object.keys(GRAPHQL_ACCESS)) {
      const name = c.startsWith('Query.') || c.startsWith('Mutation.') ? c.split('.')[1] : c;
      expect(rendered).toContain(`| \`${name}\``);
    }
    for (const r of Object.keys(REST_ACCESS)) expect(rendered).toContain(`\`${r}\``);
    // A changed decision changes the rendering, so the first test would fail on a stale doc.
    const releaseHold = GRAPHQL_ACCESS['Mutation.releaseHold'] as { who: string };
    const saved = releaseHold.who;
    releaseHold.who = 'ANY';
    try {
      expect(renderRoleTables()).not.toBe(rendered);
    } finally {
      releaseHold.who = saved;
    }
  });

  it('refuses a doc without the markers', () => {
    expect(() => withRenderedRoleTables('# roles\n')).toThrow(/lacks the markers/);
  });
});
