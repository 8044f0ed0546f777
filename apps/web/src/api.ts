/** The MES GraphQL API as the pages use it: one POST, the session's token, errors in the MES's words. */
export type Role = 'ADMIN' | 'ENGINEER' | 'OPERATOR';

export interface Session {
  token: string;
  username: string;
  role: Role;
}

const SESSION_KEY = 'mes.session';

/** The token lives for the browser tab's session: closing the tab at a shared terminal logs out. */
export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(s: Session | null): void {
  if (s) sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
  else sessionStorage.removeItem(SESSION_KEY);
}

/** An error the MES answered with: its code (UNIT_ON_HOLD, WRONG_OPERATION, ...) and message. */
export class MesError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let onUnauthenticated: () => void = () => undefined;
/** What to do when the token is refused (expired): the app goes back to sign-in. */
export function setUnauthenticatedHandler(f: () => void): void {
  onUnauthenticated = f;
}

export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const session = loadSession();
  let res: Response;
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(session ? { authorization: `Bearer ${session.token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new MesError('NETWORK', 'The MES does not answer: check the network and try again');
  }
  let body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new MesError('BAD_ANSWER', `The MES answered HTTP ${res.status} without a readable body`);
  }
  if (body.errors?.length) {
    const e = body.errors[0];
    const code = e.extensions?.code ?? 'ERROR';
    if (code === 'UNAUTHENTICATED' && session) onUnauthenticated();
    throw new MesError(code, e.message);
  }
  if (!body.data) throw new MesError('BAD_ANSWER', `The MES answered HTTP ${res.status} with no data`);
  return body.data;
}

export async function login(username: string, password: string): Promise<Session> {
  const d = await gql<{ login: { token: string; user: { username: string; role: Role } } }>(
    'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token user { username role } } }',
    { u: username, p: password },
  );
  const s = { token: d.login.token, username: d.login.user.username, role: d.login.user.role };
  saveSession(s);
  return s;
}

/** Downloads a REST export with the session's token (a plain link could not send it). */
export async function downloadWithToken(path: string, filename: string): Promise<void> {
  const session = loadSession();
  const res = await fetch(path, { headers: session ? { authorization: `Bearer ${session.token}` } : {} });
  if (!res.ok) {
    let message = `HTTP ${res.status}`;
    try {
      message = ((await res.json()) as { error?: { message?: string } }).error?.message ?? message;
    } catch {
      // not JSON: keep the status
    }
    throw new MesError(String(res.status), `${filename}: ${message}`);
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  URL.revokeObjectURL(url);
}

/**
 * Server-sent events with the token in the header (EventSource cannot send one): reads the stream
 * with fetch and calls back per event; reconnects after a drop until stopped.
 */
export function subscribeEvents(path: string, onEvent: (event: string, data: string) => void): () => void {
  const controller = new AbortController();
  let stopped = false;
  const run = async () => {
    while (!stopped) {
      try {
        const session = loadSession();
        const res = await fetch(path, { headers: session ? { authorization: `Bearer ${session.token}` } : {}, signal: controller.signal });
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let event = 'message';
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith('event:')) event = line.slice(6).trim();
              else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
            }
            if (data.length) onEvent(event, data.join('\n'));
          }
        }
      } catch {
        if (stopped) return;
      }
      await new Promise((r) => setTimeout(r, 3000));
    }
  };
  void run();
  return () => {
    stopped = true;
    controller.abort();
  };
}

/**
 * The queue dashboard (Bull Board, ADMIN only) is a page of its own: a page load cannot carry the
 * bearer token, so the token is first exchanged for a cookie limited to the dashboard's path.
 */
export async function openQueueBoard(): Promise<void> {
  const session = loadSession();
  const res = await fetch('/admin/queues/session', { method: 'POST', headers: { authorization: `Bearer ${session?.token ?? ''}` } });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    throw new MesError(body?.error?.code ?? 'FORBIDDEN', body?.error?.message ?? `The queue dashboard refused (${res.status})`);
  }
  window.location.assign('/admin/queues/');
}
