"""
Reference figures of the linear Kramers-Kronig test (Schoenleber et al. 2014) as impedance.py's linKK
runs it, for kk-reference.spec.ts. Written for this project in numpy alone: impedance.py itself cannot
be installed on the development machines (its package index is out of reach), so this script
re-implements the behaviour that tool documents and first proves it on the figures its own validation
example publishes (exampleData.csv, f < 1 kHz, inductive points dropped, fit_type='complex',
add_cap=True, c=0.5, max_M=100: "10 1.0 8.1447e-05", "20 0.89295... 5.1002e-05", M = 26, mu = 0.31).
Only then does it compute the figures nobody published: the default real-part fit (c = 0.85), with and
without the series capacitance, and the imaginary-part fit.

What the tool does, as its documentation and published output describe it:
- time constants tau_1 = 1/(2 pi f_max) .. tau_M = 1/(2 pi f_min), log-spaced (tau = 1/(2 pi f_max)
  alone for M = 1);
- model R0 + sum R_k/(1 + j w tau_k) + j w L (+ 1/(j w C) with add_cap); every row divided by |Z|;
- 'real': R0 and R_k by least squares on Re(Z)/|Z| (the minimum-norm solution, as a pseudo-inverse
  gives), then L (and 1/C) on what the RC chain leaves of Im(Z)/|Z|;
- 'imag': R_k, L (and 1/C) on Im(Z)/|Z|, then R0 = sum(w (Z' - chain')) / sum(w), w = 1/|Z|^2;
- 'complex': normal equations of both parts stacked;
- mu = 1 - sum|R_k < 0| / sum(R_k >= 0); M = 1, 2, ... until mu <= c (or M passes max_M);
- residuals (Z - Z_fit)/|Z|, real and imaginary; rmse = |Z - Z_fit| over the points, / sqrt(N).

Run: python3 libs/eis/src/__fixtures__/linkk_reference.py > libs/eis/src/__fixtures__/linkk-reference.json
"""
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def load(path, drop_inductive, f_below):
    data = np.loadtxt(path, delimiter=',')
    f, z = data[:, 0], data[:, 1] + 1j * data[:, 2]
    if drop_inductive:
        keep = z.imag < 0
        f, z = f[keep], z[keep]
    keep = f < f_below
    return f[keep], z[keep]


def taus(f, m):
    lo, hi = 1 / (2 * np.pi * f.max()), 1 / (2 * np.pi * f.min())
    if m == 1:
        return np.array([lo])
    return 10 ** np.linspace(np.log10(lo), np.log10(hi), m)


def model(f, tau, r0, rk, ind, inv_c):
    w = 2 * np.pi * f
    z = r0 + (rk[None, :] / (1 + 1j * w[:, None] * tau[None, :])).sum(axis=1) + 1j * w * ind
    return z - 1j * inv_c / w


def fit(f, z, m, fit_type, add_cap, add_ind=True):
    w = 2 * np.pi * f
    mod = np.abs(z)
    tau = taus(f, m)
    rc = 1 / (1 + 1j * w[:, None] * tau[None, :])  # an RC element of R = 1
    # Columns: R0, R_1..R_M, L, [1/C]; both parts divided by |Z|.
    cols = [np.ones_like(w) + 0j, *rc.T] + ([1j * w + 0 * w] if add_ind else []) + ([-1j / w] if add_cap else [])
    a = np.stack(cols, axis=1) / mod[:, None]
    b = z / mod
    n_rc = 1 + m
    if fit_type == 'real':
        x_rc = np.linalg.lstsq(a.real[:, :n_rc], b.real, rcond=None)[0]
        chain = a[:, :n_rc] @ x_rc
        x_ext = np.linalg.lstsq(a.imag[:, n_rc:], b.imag - chain.imag, rcond=None)[0]
        x = np.concatenate([x_rc, x_ext])
    elif fit_type == 'imag':
        x_im = np.linalg.lstsq(a.imag[:, 1:], b.imag, rcond=None)[0]
        chain = (rc * x_im[None, :m]).sum(axis=1)
        wt = 1 / mod**2
        r0 = np.sum(wt * (z.real - chain.real)) / np.sum(wt)
        x = np.concatenate([[r0], x_im])
    else:
        normal = a.real.T @ a.real + a.imag.T @ a.imag
        rhs = a.real.T @ b.real + a.imag.T @ b.imag
        x = np.linalg.solve(normal, rhs)
    rk = x[1:n_rc]
    pos, neg = rk[rk >= 0].sum(), -rk[rk < 0].sum()
    mu = 1 - neg / pos
    ind = x[n_rc] if add_ind else 0.0
    inv_c = x[n_rc + (1 if add_ind else 0)] if add_cap else 0.0
    z_fit = model(f, tau, x[0], rk, ind, inv_c)
    return {'M': m, 'mu': float(mu), 'x': x, 'z_fit': z_fit, 'inductance': float(ind), 'inv_c': float(inv_c)}


def lin_kk(f, z, c, max_m, fit_type, add_cap, trace, add_ind=True):
    m, mu = 0, 1.0
    while mu > c and m <= max_m:
        m += 1
        r = fit(f, z, m, fit_type, add_cap, add_ind)
        mu = r['mu']
        if m in trace:
            trace[m] = [r['mu'], float(np.linalg.norm(r['z_fit'] - z) / np.sqrt(len(z)))]
    return r


def summary(f, z, r, settings, trace):
    res = (z - r['z_fit']) / np.abs(z)
    return {
        'settings': settings,
        'n_points': int(len(f)),
        'M': r['M'],
        'mu': r['mu'],
        'r0_ohm': float(r['x'][0]),
        'inductance_h': r['inductance'],
        'capacitance_f': (1 / r['inv_c']) if r['inv_c'] != 0 else None,
        'max_abs_resid_real': float(np.abs(res.real).max()),
        'max_abs_resid_imag': float(np.abs(res.imag).max()),
        'rms_resid': float(np.sqrt(np.mean(np.concatenate([res.real, res.imag]) ** 2))),
        'mu_and_rmse_at_M': {str(k): v for k, v in trace.items() if v is not None},
        'resid_real': [float(v) for v in res.real],
        'resid_imag': [float(v) for v in res.imag],
    }


def main():
    data = HERE / 'exampleData.csv'
    out = {
        'about': (
            'Lin-KK reference figures on impedance.py\'s exampleData.csv (MIT licence, LICENSE-impedance.py.txt beside it), '
            'computed by linkk_reference.py (numpy ' + np.__version__ + ') because impedance.py cannot be installed here. '
            '"published" is what impedance.py\'s validation example prints for the same settings: the script reproduces it '
            'before the other figures are trusted.'
        ),
        'runs': {},
    }
    f, z = load(data, drop_inductive=True, f_below=1000)
    trace = {10: None, 20: None}
    r = lin_kk(f, z, 0.5, 100, 'complex', True, trace)
    run = summary(f, z, r, {'drop_inductive': True, 'f_below_hz': 1000, 'c': 0.5, 'max_M': 100, 'fit_type': 'complex', 'add_cap': True}, trace)
    run['published'] = {'M': 26, 'mu_2dp': 0.31, 'mu_and_rmse_at_M': {'10': [1.0, 8.144660459071784e-05], '20': [0.8929547569244768, 5.1002168389472366e-05]}}
    pub = run['published']
    assert run['M'] == pub['M'] and round(run['mu'], 2) == pub['mu_2dp'], run['M']
    for k, (mu, rmse) in pub['mu_and_rmse_at_M'].items():
        got_mu, got_rmse = run['mu_and_rmse_at_M'][k]
        # Normal equations of 20 RC elements are ill-conditioned: two solvers agree to ~1e-8 in mu.
        assert abs(got_mu - mu) < 1e-7 and abs(got_rmse - rmse) / rmse < 1e-6, (k, got_mu, got_rmse)
    out['runs']['complex_cap_c0.5'] = run

    # The tool's defaults (real-part fit, c = 0.85), with and without the series capacitance, and the
    # imaginary-part fit, on the same points.
    for name, fit_type, add_cap in [
        ('real_c0.85', 'real', False),
        ('real_cap_c0.85', 'real', True),
        ('imag_c0.85', 'imag', False),
        ('complex_c0.85', 'complex', False),
    ]:
        trace = {10: None}
        r = lin_kk(f, z, 0.85, 100, fit_type, add_cap, trace)
        out['runs'][name] = summary(
            f, z, r, {'drop_inductive': True, 'f_below_hz': 1000, 'c': 0.85, 'max_M': 100, 'fit_type': fit_type, 'add_cap': add_cap}, trace
        )
    # The example as impedance.py's first releases ran it (complex fit without the series L, by an
    # iterative least-squares solver), published as "10 0.97998 0.001077", M = 12, mu = 0.84: the same
    # M and mu to two places; the iterative solver stopped short of the exact optimum by ~1e-4 in mu.
    trace = {10: None}
    r = lin_kk(f, z, 0.85, 100, 'complex', False, trace, add_ind=False)
    run = summary(f, z, r, {'drop_inductive': True, 'f_below_hz': 1000, 'c': 0.85, 'max_M': 100, 'fit_type': 'complex', 'add_cap': False, 'add_ind': False}, trace)
    run['published'] = {'M': 12, 'mu_2dp': 0.84, 'mu_and_rmse_at_M': {'10': [0.9799800103262722, 0.0010769895768767493]}}
    assert run['M'] == 12 and round(run['mu'], 2) == 0.84
    got_mu, got_rmse = run['mu_and_rmse_at_M']['10']
    assert abs(got_mu - 0.9799800103262722) < 1e-3 and abs(got_rmse / 0.0010769895768767493 - 1) < 1e-3
    out['runs']['complex_noL_c0.85'] = run
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
