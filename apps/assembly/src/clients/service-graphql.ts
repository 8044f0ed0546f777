import { Logger } from '@nestjs/common';
import { Role, type TokenService } from '@mes/auth';
import { DomainError, isErrorCode } from '@mes/service-core';

interface Answer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/**
 * Another service's public GraphQL, called with this service's own token (svc-assembly), so the
 * calls are audited like a user's. Refusals come back as the same DomainError (code and message);
 * a service that does not answer is SERVICE_UNAVAILABLE (retry is safe: nothing was stored here).
 */
export class ServiceGraphql {
  private readonly logger = new Logger(ServiceGraphql.name);
  private readonly token: string;

  constructor(
    readonly service: string,
    private readonly url: string,
    tokens: TokenService,
  ) {
    this.token = tokens.sign({ userId: '0', username: 'svc-assembly', role: Role.ADMIN });
  }

  async query<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (e) {
      this.logger.warn(`${this.service} at ${this.url} did not answer: ${e instanceof Error ? e.message : String(e)}`);
      throw new DomainError('SERVICE_UNAVAILABLE', `The ${this.service} service does not answer; nothing was stored, retry later`);
    }
    const answer = (await res.json()) as Answer<T>;
    const error = answer.errors?.[0];
    if (error) {
      const code = error.extensions?.code;
      if (code && isErrorCode(code)) throw new DomainError(code, error.message);
      throw new Error(`${this.service} answered with errors: ${JSON.stringify(answer.errors)}`);
    }
    if (!answer.data) throw new Error(`${this.service} answered without data`);
    return answer.data;
  }
}
