import { serverLogsFor } from './server-log';

export interface GraphqlError {
  message: string;
  extensions?: { code?: string; details?: { path: string; message: string }[]; [key: string]: unknown };
}

export interface GraphqlResponse<T> {
  data: T | null;
  errors?: GraphqlError[];
}

/** A small GraphQL-over-HTTP client, as a station PC or a script would use the MES. */
export class GraphqlClient {
  constructor(
    readonly url: string,
    public token?: string,
  ) {}

  async request<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<GraphqlResponse<T>> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as GraphqlResponse<T>;
    return body;
  }

  /** The data of a call that must succeed; throws with the server's errors otherwise. */
  async ok<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const body = await this.request<T>(query, variables);
    if (body.errors?.length || !body.data)
      throw new Error(`GraphQL call failed: ${JSON.stringify(body.errors)}${serverLogsFor(body.errors)}`);
    return body.data;
  }

  /** The first error of a call that must fail; throws when it succeeds. */
  async fails(query: string, variables: Record<string, unknown> = {}): Promise<GraphqlError> {
    const body = await this.request(query, variables);
    if (!body.errors?.length) throw new Error(`expected an error, got ${JSON.stringify(body.data)}`);
    return body.errors[0];
  }

  async login(username: string, password: string): Promise<this> {
    const data = await this.ok<{ login: { token: string } }>(
      'mutation Login($u: String!, $p: String!) { login(username: $u, password: $p) { token } }',
      { u: username, p: password },
    );
    this.token = data.login.token;
    return this;
  }

  as(token: string | undefined): GraphqlClient {
    return new GraphqlClient(this.url, token);
  }
}
