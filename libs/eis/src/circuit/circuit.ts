import type { ElementType, ParamKind } from './elements';

/** One element of a parsed circuit, e.g. `CPE1` with parameters `CPE1_0` (Q) and `CPE1_1` (n). */
export interface CircuitElement {
  /** Full name as written, e.g. `CPE1`. */
  readonly name: string;
  readonly type: ElementType;
  /** 0-based index of the element name in the circuit string. */
  readonly position: number;
  /** Index of this element's first parameter in the circuit's parameter vector. */
  readonly paramOffset: number;
  readonly paramCount: number;
}

/** Syntax tree of a circuit string. */
export type CircuitNode =
  | { readonly kind: 'element'; readonly element: CircuitElement }
  | { readonly kind: 'series'; readonly children: readonly CircuitNode[] }
  | { readonly kind: 'parallel'; readonly children: readonly CircuitNode[]; readonly position: number };

/**
 * A parsed circuit. Parameters are ordered by the element's first appearance in the string, left to right;
 * names follow impedance.py: `R0` for one-parameter elements, `CPE1_0`, `CPE1_1` for the others.
 */
export interface Circuit {
  /** The circuit string with whitespace removed, e.g. `R0-p(R1,CPE1)-p(R2,CPE2)`. */
  readonly source: string;
  readonly root: CircuitNode;
  readonly elements: readonly CircuitElement[];
  readonly paramNames: string[];
  /** Bound class of each parameter (same order as paramNames). */
  readonly paramKinds: readonly ParamKind[];
  readonly paramCount: number;
}
