import { randomBytes } from 'node:crypto';
import { CrossReplicaInvalidation, KeyCache } from './redis';

const redis = { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', mode: 'standalone' as const };

/** Wait until `check` holds (a published message arrives after publish resolves, on the other client). */
async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never: ${what}`);
}

describe('API key caches of two replicas', () => {
  const channel = `t-invalidation-${randomBytes(6).toString('hex')}`;
  let a: CrossReplicaInvalidation;
  let b: CrossReplicaInvalidation;

  beforeEach(async () => {
    a = new CrossReplicaInvalidation(redis, channel);
    b = new CrossReplicaInvalidation(redis, channel);
    await Promise.all([a.start(), b.start()]);
  });

  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it('a revoke on one replica empties the other replica cache of that rig only', async () => {
    const onA = new KeyCache<{ id: string }>(a);
    const onB = new KeyCache<{ id: string }>(b);
    for (const c of [onA, onB]) {
      c.set('key-of-7', { id: '7' });
      c.set('key-of-8', { id: '8' });
    }
    expect(onB.get('key-of-7')).toEqual({ id: '7' });
    await onA.forget('7');
    expect(onA.get('key-of-7')).toBeUndefined();
    await eventually(() => onB.get('key-of-7') === undefined, 'replica B forgot rig 7');
    expect(onB.get('key-of-8')).toEqual({ id: '8' });
  });

  it('a replica whose subscription is gone trusts no cached key', async () => {
    const onB = new KeyCache<{ id: string }>(b);
    onB.set('key-of-7', { id: '7' });
    await b.close();
    expect(b.live).toBe(false);
    expect(onB.get('key-of-7')).toBeUndefined();
  });
});
