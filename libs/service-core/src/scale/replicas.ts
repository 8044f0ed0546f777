/**
 * Replicas of one service behind the gateway: each request goes to the next replica in turn, and a
 * request that could not even connect (the replica is down or restarting) is tried on the next one.
 * A refused connection means nothing reached the replica, so trying again elsewhere is safe even for
 * a mutation; any other failure (a reset mid-answer, a timeout) is passed on, since the replica may
 * have acted on it.
 */
export class ReplicaSet {
  private next = 0;

  constructor(
    readonly name: string,
    readonly urls: readonly string[],
  ) {
    if (!urls.length) throw new Error(`Service ${name} has no replica URL`);
  }

  /** The replica for the next request (round robin). */
  pick(): string {
    const url = this.urls[this.next % this.urls.length];
    this.next = (this.next + 1) % this.urls.length;
    return url;
  }

  /** The replicas in the order to try them for one request: the next in turn first. */
  order(): string[] {
    const first = this.next % this.urls.length;
    this.next = (first + 1) % this.urls.length;
    return [...this.urls.slice(first), ...this.urls.slice(0, first)];
  }

  /**
   * A fetch for requests addressed to this service's first URL: sent to each replica in turn, and
   * on to the next when a replica refuses the connection.
   */
  fetcher(fetchFn: typeof fetch = fetch): typeof fetch {
    return (async (input: string | URL | Request, init?: RequestInit) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
      let last: unknown;
      for (const replica of this.order()) {
        try {
          return await fetchFn(this.urls.length === 1 ? url : sameRequestOn(url, this.urls[0], replica), init);
        } catch (e) {
          if (!connectionRefused(e)) throw e;
          last = e;
        }
      }
      throw last;
    }) as typeof fetch;
  }
}

/** The request addressed to `first` (a replica's GraphQL URL) sent to `replica` instead, same path below it. */
export function sameRequestOn(url: string, first: string, replica: string): string {
  if (url === first) return replica;
  const f = new URL(first);
  const r = new URL(replica);
  const u = new URL(url);
  if (u.origin !== f.origin) return url;
  return `${r.origin}${u.pathname}${u.search}`;
}

/** Was nothing sent: the connection itself was refused (or the host unknown)? */
export function connectionRefused(e: unknown): boolean {
  for (let c: unknown = e, depth = 0; c && depth < 5; c = (c as { cause?: unknown }).cause, depth++) {
    const code = (c as { code?: string }).code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH') return true;
  }
  return false;
}
