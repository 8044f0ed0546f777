import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { withRenderedRoleTables } from '@mes/auth';

// Renders the role table of docs/roles.md from @mes/auth's access table (the unit test
// libs/auth/src/role-doc.spec.ts fails while the two differ).
const file = path.resolve(__dirname, '../docs/roles.md');
const before = readFileSync(file, 'utf8');
const after = withRenderedRoleTables(before);
writeFileSync(file, after);
process.stdout.write(
  before === after ? 'docs/roles.md already matched the access table\n' : 'docs/roles.md rendered from the access table\n',
);
