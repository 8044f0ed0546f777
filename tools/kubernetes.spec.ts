import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { loadConfig } from '@mes/config';
import { QUEUES } from '@mes/queue-contracts';

/**
 * The Kubernetes manifests (deploy/kubernetes): no cluster runs here, so every object is checked
 * against the Kubernetes and KEDA OpenAPI schemas (kubernetes-models, @kubernetes-models/keda), and
 * against what the MES needs: a Deployment with /health probes for every app npm start starts, the
 * configuration the apps would accept, the workers scaled on the sheet-tests queue's wait list, and
 * PostgreSQL and Redis outside.
 */
const root = path.resolve(__dirname, '..');

/** The apps npm start starts: every `entry: 'apps/<name>/src/main.ts'` of the start script. */
const appsStartedBy = (startScript: string) =>
  [...new Set([...startScript.matchAll(/entry:\s*'apps\/([a-z0-9-]+)\/src\/main\.ts'/g)].map((m) => m[1]))].sort();
const dir = path.join(root, 'deploy/kubernetes');

/** The model class of each kind the manifests may use; any other kind is refused. */
const MODELS: Record<string, { new (data: never): { validate(): void } }> = {
  'apps/v1 Deployment': Deployment as never,
  'v1 Service': Service as never,
  'v1 ConfigMap': ConfigMap as never,
  'v1 Secret': Secret as never,
  'autoscaling/v2 HorizontalPodAutoscaler': HorizontalPodAutoscaler as never,
  'policy/v1 PodDisruptionBudget': PodDisruptionBudget as never,
  'keda.sh/v1alpha1 ScaledObject': ScaledObject as never,
  'keda.sh/v1alpha1 TriggerAuthentication': TriggerAuthentication as never,
};

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

interface Container {
  name: string;
  command?: string[];
  ports?: { name: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  env?: { name: string; value?: string }[];
  readinessProbe?: { httpGet?: { path: string; port: string } };
  livenessProbe?: { httpGet?: { path: string; port: string }; tcpSocket?: { port: string } };
  startupProbe?: { httpGet?: { path: string; port: string } };
}

/** Every document of every file, with the file it came from; a YAML error names the file. */
export function readManifests(directory = dir): { file: string; object: K8sObject }[] {
  return readdirSync(directory)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((file) =>
      parseAllDocuments(readFileSync(path.join(directory, file), 'utf8')).map((doc) => {
        if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
        return { file, object: doc.toJS() as K8sObject };
      }),
    );
}

/** Schema problems of one object ('' when none). */
export function schemaProblem(object: K8sObject): string {
  const Model = MODELS[`${object.apiVersion} ${object.kind}`];
  if (!Model) return `${object.apiVersion} ${object.kind} is not a kind these manifests may use (${Object.keys(MODELS).join(', ')})`;
  try {
    new Model(object as never).validate();
    return '';
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

describe('Kubernetes manifests', () => {
  const manifests = readManifests();
  const objects = manifests.map((m) => m.object);
  const named = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  const containerOf = (d: K8sObject) => (d.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers[0];

  it('are valid Kubernetes and KEDA objects by their OpenAPI schemas', () => {
    expect(manifests.length).toBeGreaterThan(0);
    const problems = manifests.map(({ file, object }) => ({
      at: `${file} ${object.kind}/${object.metadata?.name}`,
      problem: schemaProblem(object),
    }));
    expect(problems.filter((p) => p.problem)).toEqual([]);
  });

  it('the schema check itself refuses a wrong object and an unknown kind', () => {
    const broken = structuredClone(named('Deployment', 'mes-tracking')) as K8sObject;
    (containerOf(broken).ports as unknown as { containerPort: string }[])[0].containerPort = 'four thousand';
    expect(schemaProblem(broken)).toMatch(/containerPort/);
    expect(schemaProblem({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'postgres' } })).toMatch(/not a kind/);
  });

  it('run every app npm start starts, each with its command, port and /health probes', () => {
    const apps = appsStartedBy(readFileSync(path.join(root, 'tools/dev/start-mes.ts'), 'utf8'));
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(apps.map((a) => `mes-${a}`).sort());
    const config = named('ConfigMap', 'mes-config')?.data ?? {};
    const portOf: Record<string, string | undefined> = {
      gateway: config.PORT,
      tracking: config.TRACKING_PORT,
      'test-data': config.TEST_DATA_PORT,
      process: config.PROCESS_PORT,
      assembly: config.ASSEMBLY_PORT,
      'binning-worker': config.BINNING_WORKER_PORT,
    };
    for (const app of apps) {
      const c = containerOf(named('Deployment', `mes-${app}`) as K8sObject);
      expect({ app, command: c.command }).toEqual({ app, command: ['node', '-r', '@swc-node/register', `apps/${app}/src/main.ts`] });
      expect({ app, port: String(c.ports?.find((p) => p.name === 'http')?.containerPort) }).toEqual({ app, port: portOf[app] });
      for (const probe of [c.readinessProbe, c.startupProbe])
        expect({ app, probe: probe?.httpGet }).toEqual({ app, probe: { path: '/health', port: 'http' } });
      // The gateway's liveness is TCP (its /health reports its dependencies); every other app's is /health.
      if (app === 'gateway') expect(c.livenessProbe?.tcpSocket).toEqual({ port: 'http' });
      else expect({ app, probe: c.livenessProbe?.httpGet }).toEqual({ app, probe: { path: '/health', port: 'http' } });
      expect({ app, envFrom: c.envFrom }).toEqual({
        app,
        envFrom: [{ configMapRef: { name: 'mes-config' } }, { secretRef: { name: 'mes-secrets' } }],
      });
    }
  });

  it('give the apps a configuration they accept, with secrets only in the secret', () => {
    const config = named('ConfigMap', 'mes-config')?.data ?? {};
    const secret = named('Secret', 'mes-secrets')?.stringData ?? {};
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'MES_JWT_SECRET', 'MES_ADMIN_PASSWORD', 'METRICS_TOKEN']) {
      expect({ name, inConfigMap: name in config, inSecret: name in secret }).toEqual({ name, inConfigMap: false, inSecret: true });
    }
    const loaded = loadConfig({ ...config, ...secret });
    expect(loaded.host).toBe('0.0.0.0');
    expect(loaded.tracking.url).toBe('http://mes-tracking:4001/graphql');
  });

  it('put a Service with matching labels in front of every app that serves requests', () => {
    for (const d of deployments) {
      const name = d.metadata.name;
      const labels = (d.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
      const service = named('Service', name);
      if (name === 'mes-binning-worker') continue; // scraped, not called
      expect({
        name,
        selects: Object.entries((service?.spec as { selector: Record<string, string> }).selector).every(([k, v]) => labels[k] === v),
      }).toEqual({
        name,
        selects: true,
      });
    }
  });

  it('scale the binning workers on the wait list of the sheet-tests queue, with the configured prefix', () => {
    const config = named('ConfigMap', 'mes-config')?.data ?? {};
    const scaled = named('ScaledObject', 'mes-binning-worker')?.spec as {
      scaleTargetRef: { name: string };
      triggers: { type: string; metadata: { listName: string }; authenticationRef: { name: string } }[];
    };
    expect(scaled.scaleTargetRef.name).toBe('mes-binning-worker');
    expect(scaled.triggers).toHaveLength(1);
    expect(scaled.triggers[0].type).toBe(config.REDIS_MODE === 'cluster' ? 'redis-cluster' : 'redis');
    expect(scaled.triggers[0].metadata.listName).toBe(`${config.BULLMQ_PREFIX}:${QUEUES.sheetTests}:wait`);
    expect(named('TriggerAuthentication', scaled.triggers[0].authenticationRef.name)).toBeDefined();
    // The other apps scale on CPU.
    for (const app of ['gateway', 'tracking', 'test-data', 'process', 'assembly'])
      expect((named('HorizontalPodAutoscaler', `mes-${app}`)?.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name).toBe(
        `mes-${app}`,
      );
  });

  it('keep PostgreSQL and Redis outside: names for them, no workloads', () => {
    expect((named('Service', 'postgres')?.spec as { type: string }).type).toBe('ExternalName');
    expect((named('Service', 'redis')?.spec as { type: string }).type).toBe('ExternalName');
    const images = deployments.map(
      (d) => (d.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0].image,
    );
    expect(images.filter((i) => /postgres|redis/.test(i))).toEqual([]);
  });
});
