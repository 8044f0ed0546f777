/** Options of fitCircuit / EisFitter.fit. */
export interface FitOptions {
  /** Start values (natural units, paramNames order). Default: automatic guess from the spectrum. */
  initialGuess?: ArrayLike<number>;
  /**
   * Residual weighting: 'unit' (plain residuals in ohms, like impedance.py's default) or 'modulus'
   * (residual / |Z_measured|, each point counts equally whatever its magnitude). Default 'unit'.
   */
  weighting?: 'unit' | 'modulus';
  /** Levenberg-Marquardt iterations per start. Default 200. */
  maxIterations?: number;
  /**
   * Number of starts in all (the first plus fallback restarts from alternative guesses); restarts are
   * made only while the best fit so far did not converge or has relRms > restartRelRms. Default 8.
   */
  maxStarts?: number;
  /** A fit whose relRms exceeds this is "poor" and triggers a restart. Default 0.03. */
  restartRelRms?: number;
  /** Relative cost reduction below which LM stops (MINPACK ftol; as scipy's default). Default 1e-8. */
  ftol?: number;
  /** Relative parameter step below which LM stops (a step in log parameters). Default 1e-7. */
  xtol?: number;
  /** Seed for the jittered restarts (deterministic by default). */
  seed?: number;
}

/** Result of a fit. Arrays follow paramNames order. */
export interface FitResult {
  /** Circuit string in canonical form. */
  circuit: string;
  paramNames: string[];
  params: number[];
  /**
   * 1-sigma standard errors from the covariance (J^T J)^-1 * s^2 at the optimum, with J the Jacobian
   * of the (weighted) stacked residuals w.r.t. the natural parameters and s^2 = chiSquare / (2N - P)
   * (as scipy's curve_fit). NaN when the problem is singular there.
   */
  stdErrors: number[];
  /** Sum of squared weighted residuals (real and imaginary stacked): ohm^2 for 'unit', unitless for 'modulus'. */
  chiSquare: number;
  /** sqrt(mean over the 2N stacked residuals of (residual / |Z_measured|)^2), whatever the weighting. */
  relRms: number;
  /** LM iterations of the start that gave the result. */
  iterations: number;
  /** True when LM met a convergence test (not the iteration limit) and produced finite parameters. */
  converged: boolean;
  /** Number of starts tried (1 = no restart). */
  starts: number;
  /** Points used (finite, positive frequency). */
  nPoints: number;
}
