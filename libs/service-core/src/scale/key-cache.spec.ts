import type { CrossReplicaInvalidation } from './redis';
import { KeyCache } from './redis';

/** An invalidation channel without Redis: live or not, and what was published. */
function fakeChannel(live = true) {
  const handlers: { forget: (k: string) => void; forgetAll: () => void }[] = [];
  const channel = {
    live,
    published: [] as string[],
    onInvalidate: (forget: (k: string) => void, forgetAll: () => void) => handlers.push({ forget, forgetAll }),
    publish: async (id: string) => {
      channel.published.push(id);
      for (const h of handlers) h.forget(id);
    },
    reconnect: () => handlers.forEach((h) => h.forgetAll()),
  };
  return channel;
}

describe('KeyCache', () => {
  it('keeps a verified key while the channel is live and within the time to live', () => {
    let now = 0;
    const cache = new KeyCache<{ id: string }>(fakeChannel() as unknown as CrossReplicaInvalidation, 1000, 10, () => now);
    cache.set('k1', { id: 'rig-1' });
    expect(cache.get('k1')).toEqual({ id: 'rig-1' });
    now = 1000;
    expect(cache.get('k1')).toBeUndefined();
  });

  it('keeps nothing without a live channel (a revoke elsewhere could not reach it)', () => {
    const off = new KeyCache<{ id: string }>(fakeChannel(false) as unknown as CrossReplicaInvalidation);
    off.set('k1', { id: 'rig-1' });
    expect(off.get('k1')).toBeUndefined();
    const none = new KeyCache<{ id: string }>(null);
    none.set('k1', { id: 'rig-1' });
    expect(none.get('k1')).toBeUndefined();
  });

  it('forgets every key of an id and tells the other replicas', async () => {
    const channel = fakeChannel();
    const cache = new KeyCache<{ id: string }>(channel as unknown as CrossReplicaInvalidation);
    cache.set('old', { id: 'rig-1' });
    cache.set('other', { id: 'rig-2' });
    await cache.forget('rig-1');
    expect(channel.published).toEqual(['rig-1']);
    expect(cache.get('old')).toBeUndefined();
    expect(cache.get('other')).toEqual({ id: 'rig-2' });
  });

  it('starts empty after the channel reconnects (messages may have been missed)', () => {
    const channel = fakeChannel();
    const cache = new KeyCache<{ id: string }>(channel as unknown as CrossReplicaInvalidation);
    cache.set('k', { id: 'rig-1' });
    channel.reconnect();
    expect(cache.size).toBe(0);
  });
});
