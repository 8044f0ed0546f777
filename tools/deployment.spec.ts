import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The Docker deployment stays true to what npm start runs: no Docker engine runs here, so these
 * checks read the files. A new app in tools/dev/start-mes.ts, or a new workspace, fails this test
 * until docker/compose.yml and docker/Dockerfile know it.
 */
const root = path.resolve(__dirname, '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

/** The apps npm start starts: every `entry: 'apps/<name>/src/main.ts'` of the start script. */
export function appsStartedBy(startScript: string): string[] {
  return [...startScript.matchAll(/entry:\s*'apps\/([a-z0-9-]+)\/src\/main\.ts'/g)].map((m) => m[1]).sort();
}

/** The compose services built from the MES image, with the APP each builds. */
export function composeApps(compose: string): Map<string, string> {
  const apps = new Map<string, string>();
  const services = compose.slice(compose.indexOf('\nservices:'));
  for (const block of services.split(/\n(?= {2}[a-z0-9-]+:\s*\n)/)) {
    const name = /^ {2}([a-z0-9-]+):/.exec(block)?.[1];
    const app = /dockerfile:\s*docker\/Dockerfile,\s*args:\s*\{\s*APP:\s*([a-z0-9-]+)\s*\}/.exec(block)?.[1];
    if (name && app) apps.set(name, app);
  }
  return apps;
}

/** Every npm workspace (a folder of apps/ or libs/ with a package.json). */
function workspaces(): string[] {
  return ['apps', 'libs'].flatMap((dir) =>
    readdirSync(path.join(root, dir))
      .filter((name) => existsSync(path.join(root, dir, name, 'package.json')))
      .map((name) => `${dir}/${name}`),
  );
}

describe('deployment', () => {
  const dockerfile = read('docker/Dockerfile');

  it('compose runs every app npm start starts, each from its own entry point', () => {
    const started = appsStartedBy(read('tools/dev/start-mes.ts'));
    expect(started).toEqual(expect.arrayContaining(['gateway', 'tracking', 'test-data', 'process', 'assembly', 'binning-worker']));
    const services = composeApps(read('docker/compose.yml'));
    for (const app of started) expect({ app, service: services.get(app) }).toEqual({ app, service: app });
  });

  it("the Dockerfile copies every workspace's package.json before installing", () => {
    const install = dockerfile.indexOf('RUN npm install');
    expect(install).toBeGreaterThan(0);
    for (const ws of workspaces()) {
      const copy = dockerfile.indexOf(`COPY ${ws}/package.json ${ws}/\n`);
      expect({ ws, copied: copy >= 0 && copy < install }).toEqual({ ws, copied: true });
    }
  });

  it('the image installs with a command this lock file allows, and builds the web UI', () => {
    const runs = dockerfile.split('\n').filter((l) => l.startsWith('RUN '));
    expect(runs.some((l) => /\bnpm install\b/.test(l))).toBe(true);
    expect(runs.filter((l) => /\bnpm ci\b/.test(l))).toEqual([]); // refuses a lock file with one registry's platform packages only
    expect(dockerfile).toMatch(/vite\.js build apps\/web/);
  });

  it('the build context leaves out installed packages and builds', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist']));
  });

  it('reads the start script and compose as they are written', () => {
    expect(appsStartedBy("const a = { entry: 'apps/x-y/src/main.ts' }; startApp({ entry: 'apps/z/src/main.ts' })")).toEqual(['x-y', 'z']);
    const compose =
      'name: m\nservices:\n  a:\n    build: { context: .., dockerfile: docker/Dockerfile, args: { APP: b } }\n  redis:\n    image: redis:7\n';
    expect([...composeApps(compose)]).toEqual([['a', 'b']]);
  });
});
