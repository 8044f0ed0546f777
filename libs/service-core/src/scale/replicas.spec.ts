import { connectionRefused, ReplicaSet, sameRequestOn } from './replicas';

const refused = () =>
  Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });

describe('ReplicaSet', () => {
  it('takes the replicas in turn', () => {
    const set = new ReplicaSet('tracking', ['http://a/graphql', 'http://b/graphql', 'http://c/graphql']);
    expect([set.pick(), set.pick(), set.pick(), set.pick()]).toEqual([
      'http://a/graphql',
      'http://b/graphql',
      'http://c/graphql',
      'http://a/graphql',
    ]);
  });

  it('refuses a service without a URL', () => {
    expect(() => new ReplicaSet('process', [])).toThrow('Service process has no replica URL');
  });

  it('sends each request to the next replica, and past one that refuses the connection', async () => {
    const seen: string[] = [];
    const set = new ReplicaSet('test-data', ['http://a:1/graphql', 'http://b:2/graphql']);
    const send = set.fetcher((async (url: string) => {
      seen.push(url);
      if (url.startsWith('http://b:2')) throw refused();
      return new Response('ok');
    }) as typeof fetch);
    await send('http://a:1/graphql');
    await send('http://a:1/graphql'); // b refuses: a answers
    expect(seen).toEqual(['http://a:1/graphql', 'http://b:2/graphql', 'http://a:1/graphql']);
  });

  it('passes on any failure other than a refused connection (the replica may have acted on it)', async () => {
    const seen: string[] = [];
    const set = new ReplicaSet('test-data', ['http://a:1/graphql', 'http://b:2/graphql']);
    const send = set.fetcher((async (url: string) => {
      seen.push(url);
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    }) as typeof fetch);
    await expect(send('http://a:1/graphql')).rejects.toThrow('socket hang up');
    expect(seen).toEqual(['http://a:1/graphql']);
  });

  it('moves a path below the first replica to the same path on another', () => {
    expect(sameRequestOn('http://a:1/graphql', 'http://a:1/graphql', 'http://b:2/graphql')).toBe('http://b:2/graphql');
    expect(sameRequestOn('http://a:1/health?x=1', 'http://a:1/graphql', 'http://b:2/graphql')).toBe('http://b:2/health?x=1');
    expect(sameRequestOn('http://other/graphql', 'http://a:1/graphql', 'http://b:2/graphql')).toBe('http://other/graphql');
  });

  it('knows a refused connection through its causes', () => {
    expect(connectionRefused(refused())).toBe(true);
    expect(connectionRefused(new Error('timeout'))).toBe(false);
  });
});
