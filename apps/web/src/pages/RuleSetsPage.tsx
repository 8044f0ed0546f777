import { useCallback, useEffect, useState } from 'react';
import { gql } from '../api';
import { ErrorBox, SignatureDialog } from '../components';

interface RuleSetVersion {
  productCode: string;
  version: number;
  name: string;
  status: string;
  ruleSet: string;
  createdBy: string;
  createdAt: string;
  releasedBy: string | null;
  releasedAt: string | null;
}
interface Recipe {
  id: string;
  name: string;
  version: number;
  operation: string;
  description: string;
  state: string;
  parameters: {
    name: string;
    unit: string | null;
    type: string;
    target: number | null;
    targetText: string | null;
    lowerLimit: number | null;
    upperLimit: number | null;
    required: boolean;
    allowedValues: string[] | null;
  }[];
  traceBands: { channel: string; setpointParameter: string | null; setpoint: number | null; tolerancePct: number; minDurationS: number }[];
  releasedBy: string | null;
}

export default function RuleSetsPage() {
  const [products, setProducts] = useState<string[]>([]);
  const [product, setProduct] = useState('');
  const [versions, setVersions] = useState<RuleSetVersion[]>([]);
  const [draft, setDraft] = useState('');
  const [recipes, setRecipes] = useState<Recipe[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** A release waiting for its electronic signature (the dialog asks for the password and meaning). */
  const [signing, setSigning] = useState<{
    title: string;
    what: string;
    query: string;
    variables: Record<string, unknown>;
    done: string;
  } | null>(null);

  useEffect(() => {
    gql<{ products: { code: string }[] }>('{ products { code } }').then(
      (d) => {
        setProducts(d.products.map((p) => p.code));
        setProduct((p) => p || d.products[0]?.code || '');
      },
      (e: Error) => setError(e.message),
    );
  }, []);
  const load = useCallback(() => {
    if (!product) return;
    gql<{ ruleSets: RuleSetVersion[] }>(
      'query($p: String!) { ruleSets(productCode: $p) { productCode version name status ruleSet createdBy createdAt releasedBy releasedAt } }',
      { p: product },
    ).then(
      (d) => {
        setVersions(d.ruleSets);
        setDraft((old) => old || (d.ruleSets.at(-1)?.ruleSet ? JSON.stringify(JSON.parse(d.ruleSets.at(-1)!.ruleSet), null, 2) : ''));
      },
      (e: Error) => setError(e.message),
    );
    gql<{ recipes: Recipe[] }>(
      '{ recipes { id name version operation description state parameters { name unit type target targetText lowerLimit upperLimit required allowedValues } traceBands { channel setpointParameter setpoint tolerancePct minDurationS } releasedBy } }',
    ).then(
      (d) => setRecipes(d.recipes),
      (e: Error) => setError(e.message),
    );
  }, [product]);
  useEffect(load, [load]);

  const act = async (what: string, query: string, variables: Record<string, unknown>) => {
    setError(null);
    setMessage(null);
    try {
      await gql(query, variables);
      setMessage(what);
      load();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const deriveRecipe = (r: Recipe) => {
    // A new DRAFT version with the same content, to edit and release; released versions never change.
    const clean = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null)) as T;
    void act(`Draft of ${r.name} derived from v${r.version}`, 'mutation($i: CreateRecipeInput!) { createRecipe(input: $i) { version } }', {
      i: {
        name: r.name,
        operation: r.operation,
        description: r.description,
        parameters: r.parameters.map(clean),
        traceBands: r.traceBands.map(clean),
      },
    });
  };

  return (
    <section aria-labelledby="rs-title">
      <h1 id="rs-title">Rule sets and recipes</h1>
      <label htmlFor="rs-product">Product</label>{' '}
      <select
        id="rs-product"
        value={product}
        onChange={(e) => {
          setProduct(e.target.value);
          setDraft('');
        }}
      >
        {products.map((p) => (
          <option key={p}>{p}</option>
        ))}
      </select>
      <ErrorBox error={error} />
      {message && (
        <p className="form-ok" role="status">
          {message}
        </p>
      )}
      <h2>Bin rule set versions</h2>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
            <th scope="col">Released</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version}>
              <td>v{v.version}</td>
              <td>{v.name}</td>
              <td>{v.status}</td>
              <td>
                {v.createdBy}, {new Date(v.createdAt).toLocaleString()}
              </td>
              <td>{v.releasedBy ? `${v.releasedBy}, ${new Date(v.releasedAt as string).toLocaleString()}` : '—'}</td>
              <td>
                <button type="button" onClick={() => setDraft(JSON.stringify(JSON.parse(v.ruleSet), null, 2))}>
                  Derive from v{v.version}
                </button>{' '}
                {v.status === 'DRAFT' && (
                  <button
                    type="button"
                    className="primary"
                    onClick={() =>
                      setSigning({
                        title: `Sign the release of rule set ${product} v${v.version}`,
                        what: 'Tests binned from now on, and re-binning, use this version.',
                        query:
                          'mutation($p: String!, $v: Int!, $s: SignatureInput!) { releaseRuleSet(productCode: $p, version: $v, signature: $s) { version } }',
                        variables: { p: product, v: v.version },
                        done: `Rule set v${v.version} released`,
                      })
                    }
                  >
                    Release v{v.version}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <label htmlFor="rs-draft">New draft (rule set JSON)</label>
      <textarea id="rs-draft" className="mono" rows={12} value={draft} onChange={(e) => setDraft(e.target.value)} />
      <button
        type="button"
        onClick={() =>
          void act('Draft saved', 'mutation($p: String!, $r: String!) { createRuleSetDraft(productCode: $p, ruleSet: $r) { version } }', {
            p: product,
            r: draft,
          })
        }
      >
        Save as draft
      </button>
      <h2>Recipes</h2>
      <table className="table" data-testid="recipes-table">
        <thead>
          <tr>
            <th scope="col">Recipe</th>
            <th scope="col">Operation</th>
            <th scope="col">State</th>
            <th scope="col">Parameters</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {recipes.map((r) => (
            <tr key={r.id}>
              <td>
                {r.name} v{r.version}
              </td>
              <td>{r.operation}</td>
              <td>{r.state}</td>
              <td>
                {r.parameters
                  .map(
                    (p) =>
                      `${p.name} ${p.target ?? p.targetText ?? ''}${p.unit ? ` ${p.unit}` : ''}${p.lowerLimit !== null || p.upperLimit !== null ? ` [${p.lowerLimit ?? ''}…${p.upperLimit ?? ''}]` : ''}`,
                  )
                  .join('; ')}
              </td>
              <td>
                <button type="button" onClick={() => deriveRecipe(r)}>
                  Derive draft
                </button>{' '}
                {r.state === 'DRAFT' && (
                  <button
                    type="button"
                    className="primary"
                    onClick={() =>
                      setSigning({
                        title: `Sign the release of recipe ${r.name} v${r.version}`,
                        what: 'From now on it can run, and it never changes.',
                        query:
                          'mutation($r: RecipeRefInput!, $s: SignatureInput!) { releaseRecipe(recipe: $r, signature: $s) { version } }',
                        variables: { r: { name: r.name, version: r.version } },
                        done: `${r.name} v${r.version} released`,
                      })
                    }
                  >
                    Release
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {signing && (
        <SignatureDialog
          title={signing.title}
          what={signing.what}
          onCancel={() => setSigning(null)}
          onSign={async (signature) => {
            await gql(signing.query, { ...signing.variables, s: signature });
            setSigning(null);
            setError(null);
            setMessage(signing.done);
            load();
          }}
        />
      )}
    </section>
  );
}
