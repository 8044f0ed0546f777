import { BatchLoader } from './batch-loader';

describe('BatchLoader', () => {
  const loaderOf = (calls: number[][], fail?: Error) =>
    new BatchLoader<number, string | null>(
      async (keys) => {
        calls.push(keys);
        if (fail) throw fail;
        return new Map(keys.filter((k) => k % 10 !== 0).map((k) => [String(k), `v${k}`]));
      },
      String,
      null,
    );

  it('loads the keys asked for in one burst with one call, equal keys once, each answer to its own key', async () => {
    const calls: number[][] = [];
    const loader = loaderOf(calls);
    const answers = await Promise.all([1, 2, 3, 2, 10].map((k) => loader.load(k)));
    expect(calls).toEqual([[1, 2, 3, 10]]);
    expect(answers).toEqual(['v1', 'v2', 'v3', 'v2', null]);
  });

  it('loads the keys of a later burst in a call of their own, reading afresh (no cache)', async () => {
    const calls: number[][] = [];
    const loader = loaderOf(calls);
    await loader.load(1);
    await Promise.all([loader.load(1), loader.load(4)]);
    expect(calls).toEqual([[1], [1, 4]]);
  });

  it('gathers keys asked after a few awaited steps of the same burst', async () => {
    const calls: number[][] = [];
    const loader = loaderOf(calls);
    const later = async (k: number) => {
      for (let i = 0; i < k; i++) await Promise.resolve();
      return loader.load(k);
    };
    await Promise.all([later(1), later(5), later(20)]);
    expect(calls).toEqual([[1, 5, 20]]);
  });

  it('fails every waiting key when the load fails', async () => {
    const loader = loaderOf([], new Error('database down'));
    await expect(Promise.all([loader.load(1), loader.load(2)])).rejects.toThrow('database down');
  });
});
