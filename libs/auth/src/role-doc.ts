import { GRAPHQL_ACCESS, REST_ACCESS, SERVICE_ROUTES, type Access, type AccessRule, type Owner } from './access-table';

/** The lines of docs/roles.md between these markers are rendered from the access table. */
export const ROLE_DOC_START =
  '<!-- role table: rendered from libs/auth/src/access-table.ts by `npm run roles-doc`; edit the table, not this -->';
export const ROLE_DOC_END = '<!-- end of role table -->';

const WHO: Record<Access, string> = {
  PUBLIC: 'everyone (no credentials)',
  ANY: 'any',
  ENGINEERING: 'engineering',
  ADMIN: 'ADMIN',
  RIG_KEY: 'rig key',
  EQUIPMENT_KEY: 'equipment key',
};

/** A Markdown table padded as the repository's formatter pads it, so the rendered doc stays as formatted. */
function table(header: string[], body: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, 3, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...body.map(line)];
}

function kindOf(coordinate: string): string {
  if (coordinate.startsWith('Query.')) return 'query';
  if (coordinate.startsWith('Mutation.')) return 'mutation';
  return 'field';
}

function graphqlName(coordinate: string): string {
  return kindOf(coordinate) === 'field' ? coordinate : coordinate.slice(coordinate.indexOf('.') + 1);
}

/** The generated part of docs/roles.md: one GraphQL table per owning service, the REST routes, the service routes. */
export function renderRoleTables(): string {
  const out: string[] = [ROLE_DOC_START, ''];
  const owners: Owner[] = ['tracking', 'test-data', 'process', 'assembly'];
  const byOwner = (rules: Readonly<Record<string, AccessRule>>, owner: Owner) => Object.entries(rules).filter(([, r]) => r.owner === owner);
  for (const owner of owners) {
    out.push(`### GraphQL: ${owner}`, '');
    out.push(
      ...table(
        ['operation', 'kind', 'who', 'note'],
        byOwner(GRAPHQL_ACCESS, owner).map(([c, r]) => [`\`${graphqlName(c)}\``, kindOf(c), WHO[r.who], r.note ?? '']),
      ),
      '',
    );
  }
  out.push('### REST (through the gateway)', '');
  out.push(
    ...table(
      ['route', 'service', 'who', 'note'],
      Object.entries(REST_ACCESS).map(([route, r]) => [`\`${route}\``, r.owner, WHO[r.who], r.note ?? '']),
    ),
    '',
  );
  out.push('### Every app (directly, not through the gateway)', '');
  out.push(
    ...table(
      ['route', 'who'],
      SERVICE_ROUTES.map((route) => [`\`${route}\``, WHO.PUBLIC]),
    ),
    '',
  );
  out.push(ROLE_DOC_END);
  return out.join('\n');
}

/** `doc` with its rendered part replaced by the table's current rendering; throws when the markers are missing. */
export function withRenderedRoleTables(doc: string): string {
  const start = doc.indexOf(ROLE_DOC_START);
  const end = doc.indexOf(ROLE_DOC_END);
  if (start < 0 || end < start) throw new Error(`docs/roles.md lacks the markers ${ROLE_DOC_START} ... ${ROLE_DOC_END}`);
  return doc.slice(0, start) + renderRoleTables() + doc.slice(end + ROLE_DOC_END.length);
}
