import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { FormattedExecutionResult } from 'graphql';
import { Kind } from 'graphql';
import { traceHeaders } from '@mes/service-core';

/** Root fields test-data owns whose types hold only scalars and scalar lists (no entity to join). */
const PASS_THROUGH_FIELDS = new Set(['rollMap', 'sheetMap']);

/**
 * test-data's answers sent on as its own bytes, by the stand-in `data` object the plugin gives Apollo
 * Server in their place. Parsing a roll map's JSON only to have Apollo write it again was most of the
 * gateway's part of the answer: `npm run bench maps`, a roll map's list form unchanged, 62 ms through
 * the gateway against 34 ms straight from test-data before, 45 against 36 ms after (one idle machine).
 */
const forwardedText = new WeakMap<object, string>();

/**
 * The gateway's `stringifyResult`: a passed-through answer as test-data wrote it; anything else as
 * Apollo Server writes it (JSON and a newline).
 */
export function stringifyGatewayResult(value: FormattedExecutionResult): string {
  const text = value.data && !value.errors && !value.extensions ? forwardedText.get(value.data) : undefined;
  return text ?? `${JSON.stringify(value)}\n`;
}

interface ForwardingContext extends BaseContext {
  authorization?: string;
  correlationId?: string;
}

/**
 * Heat maps go to test-data unchanged. Apollo Gateway shapes every subgraph answer value by value
 * (about 50 ms for the 66,000 values and counts of a roll map at the default steps, more than the
 * subgraph needs to compute it), although an operation made only of heat-map fields is answered by
 * test-data alone: its query plan is one fetch of the same selection. Such an operation (one
 * operation in the document, every root field a heat map) is forwarded as it came and its answer
 * returned as it is; anything else, or test-data not answering, takes the normal gateway path.
 */
export function heatMapPassThrough(testDataUrl: string, send: typeof fetch = fetch): ApolloServerPlugin<ForwardingContext> {
  return {
    async requestDidStart() {
      return {
        async responseForOperation(rc) {
          if (rc.operation.operation !== 'query') return null;
          if (rc.document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length !== 1) return null;
          const roots = rc.operation.selectionSet.selections;
          if (!roots.every((s) => s.kind === Kind.FIELD && PASS_THROUGH_FIELDS.has(s.name.value) && !s.directives?.length)) return null;
          let answer: Response;
          try {
            answer = await send(testDataUrl, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                ...(rc.contextValue.authorization ? { authorization: rc.contextValue.authorization } : {}),
                ...(rc.contextValue.correlationId ? { 'x-correlation-id': rc.contextValue.correlationId } : {}),
                ...traceHeaders(),
              },
              body: JSON.stringify({
                query: rc.source,
                variables: rc.request.variables ?? {},
                operationName: rc.operationName ?? undefined,
              }),
              signal: AbortSignal.timeout(60_000),
            });
          } catch {
            return null;
          }
          if (!answer.ok && answer.status !== 400) return null;
          const text = await answer.text();
          // Apollo Server writes errors before data: an answer that opens with its data has no error,
          // and goes on as it is. One with errors is parsed, so the gateway's plugins see them.
          if (answer.ok && text.startsWith('{"data":{')) {
            const standIn = {};
            forwardedText.set(standIn, text.endsWith('\n') ? text : `${text}\n`);
            return { http: rc.response.http, body: { kind: 'single', singleResult: { data: standIn } } };
          }
          return { http: rc.response.http, body: { kind: 'single', singleResult: JSON.parse(text) as FormattedExecutionResult } };
        },
      };
    },
  };
}
