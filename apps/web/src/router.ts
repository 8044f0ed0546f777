import { useEffect, useState } from 'react';

/**
 * Hash routes (#/sheet/S-R0001-0003): the gateway serves one index.html at /, and a reload or a
 * bookmarked page never asks the server for a path it does not have.
 */
export function useRoute(): string[] {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [parts, setParts] = useState(read);
  useEffect(() => {
    const onChange = () => setParts(read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return parts;
}

export function href(...parts: (string | number)[]): string {
  return '#/' + parts.map((p) => encodeURIComponent(String(p))).join('/');
}

export function go(...parts: (string | number)[]): void {
  window.location.hash = href(...parts);
}
