import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';

/**
 * What one operation may ask of the gateway. Well above what the web UI and the test suites ask
 * (over their 357 literal operations: depth 5 at most, 2 aliases, cost 527), and below what would
 * keep a subgraph busy: deep nesting through the genealogy, hundreds of aliases of one field, lists
 * of lists. The cost counts `first`/`last` as the length of the list they ask for, so the longest
 * list the graph serves (`SpcChart.points(last: 5000)`) still fits with a few fields.
 */
export const QUERY_LIMITS = {
  /** Nesting of fields (fragments counted as written). */
  maxDepth: 12,
  /** Aliased fields in one operation (each alias is a separate resolver call). */
  maxAliases: 30,
  /** graphql-armor's cost: 1 a scalar, 2 an object, each level below weighs 1.5 times more. */
  maxCost: 50_000,
};

/**
 * graphql-armor's depth, alias and cost rules as validation rules of the gateway. A rejection is
 * reported as an ordinary validation error (code GRAPHQL_VALIDATION_FAILED) whose message names the
 * limit and what the operation asked; the libraries' own throw would surface as an unexplained
 * "Syntax Error".
 */
export function queryLimitRules(limits = QUERY_LIMITS): ValidationRule[] {
  const report =
    (what: string, limit: number) =>
    (ctx: ValidationContext | null, error: GraphQLError): void => {
      const found = /found (\d+(?:\.\d+)?)/.exec(error.message)?.[1];
      ctx?.reportError(
        new GraphQLError(
          `The operation's ${what} is ${found ? Math.ceil(Number(found)) : 'over the limit'}; the gateway allows at most ${limit}: ` +
            'split it into smaller operations',
          { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: what } },
        ),
      );
    };
  const quiet = { exposeLimits: true, propagateOnRejection: false };
  return [
    maxDepthRule({ ...quiet, n: limits.maxDepth, onReject: [report('depth', limits.maxDepth)] }),
    maxAliasesRule({ ...quiet, n: limits.maxAliases, onReject: [report('number of aliases', limits.maxAliases)] }),
    costLimitRule({ ...quiet, maxCost: limits.maxCost, onReject: [report('cost', limits.maxCost)] }),
  ] as ValidationRule[];
}
