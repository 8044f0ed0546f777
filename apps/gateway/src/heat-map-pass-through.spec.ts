import { parse, type OperationDefinitionNode } from 'graphql';
import { heatMapPassThrough, stringifyGatewayResult } from './heat-map-pass-through';

/** The plugin's answer to one operation, test-data answering `status` and `text`. */
async function passThrough(source: string, status: number, text: string) {
  const sent: RequestInit[] = [];
  const send = (async (_url: string, init: RequestInit) => {
    sent.push(init);
    return new Response(text, { status, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof fetch;
  const listener = await heatMapPassThrough('http://test-data/graphql', send).requestDidStart!({} as never);
  const document = parse(source);
  const rc = {
    source,
    document,
    operation: document.definitions[0] as OperationDefinitionNode,
    operationName: null,
    request: { variables: {} },
    response: { http: { headers: new Map(), status: undefined } },
    contextValue: { authorization: 'Bearer t' },
  };
  const response = await (listener as { responseForOperation: (rc: unknown) => Promise<any> }).responseForOperation(rc);
  return { response, sent };
}

describe('heat-map pass-through', () => {
  // Written as JSON.stringify would not (1.50, a space), so the bytes show they were not parsed and written again.
  const map = '{"data":{"rollMap":{"values":[1.50, null,2],"counts":[3,0,1]}}}\n';

  it("sends test-data's answer on as its own bytes, and anything else as Apollo Server writes it", async () => {
    const { response, sent } = await passThrough('{ rollMap(roll: "R0001", metric: OCV_V) { values counts } }', 200, map);
    expect(sent).toHaveLength(1);
    const result = response.body.singleResult;
    // Apollo Server hands stringifyResult a new object with the same data (errors, data, extensions).
    expect(stringifyGatewayResult({ errors: undefined, data: result.data, extensions: undefined })).toBe(map);
    // The same data object with an error added, or any other result, is written in full.
    const other = { data: { rollMap: { values: [1] } } };
    expect(stringifyGatewayResult(other)).toBe(`${JSON.stringify(other)}\n`);
    expect(stringifyGatewayResult({ errors: [{ message: 'x' }], data: result.data })).not.toBe(map);
  });

  it("parses an answer with errors (the gateway's plugins count them), and leaves other operations to the planner", async () => {
    const refused = '{"errors":[{"message":"Unknown roll NO","extensions":{"code":"NOT_FOUND"}}],"data":null}\n';
    const { response } = await passThrough('{ rollMap(roll: "NO", metric: OCV_V) { values } }', 200, refused);
    expect(response.body.singleResult).toEqual(JSON.parse(refused));
    expect(stringifyGatewayResult(response.body.singleResult)).toBe(`${JSON.stringify(JSON.parse(refused))}\n`);
    const planned = await passThrough('{ rollMap(roll: "R0001", metric: OCV_V) { values } me { username } }', 200, map);
    expect(planned.response).toBeNull();
    expect(planned.sent).toHaveLength(0);
  });
});
