"""Independent maximum-likelihood fit of MBG/NBD (Batislam, Denizel & Filiztekin 2007) on the CDNOW sample.

The reference for src/modules/analytics/lifetime/mbg-nbd.spec.ts: written from the paper's likelihood with
numpy/scipy (no code shared with CareGraph's TypeScript), optimised by L-BFGS-B on log-parameters from a
different start than CareGraph's Nelder-Mead. Run: python3 docs/reference/mbgnbd_cdnow_fit.py
"""
import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln, betaln

data = np.loadtxt('test/fixtures/datasets/cdnow_customers_summary.csv', delimiter=',', skiprows=1)
x, tx, T = data[:, 1], data[:, 2], data[:, 3]


def loglik(log_params):
    r, alpha, a, b = np.exp(log_params)
    # L = B(a, b+x+1)/B(a,b) * G(r+x) alpha^r / (G(r) (alpha+T)^(r+x))
    #   + B(a+1, b+x)/B(a,b) * G(r+x) alpha^r / (G(r) (alpha+t_x)^(r+x))
    common = gammaln(r + x) - gammaln(r) + r * np.log(alpha) - betaln(a, b)
    alive = betaln(a, b + x + 1) - (r + x) * np.log(alpha + T)
    dead = betaln(a + 1, b + x) - (r + x) * np.log(alpha + tx)
    return np.sum(common + np.logaddexp(alive, dead))


best = None
for start in ([0.0, 1.0, 0.0, 0.0], [-1.0, 2.0, -0.5, 0.5], [0.5, 0.5, 0.5, 1.0]):
    res = minimize(lambda p: -loglik(p), np.array(start), method='L-BFGS-B', options={'ftol': 1e-14, 'gtol': 1e-10, 'maxiter': 10000})
    if best is None or res.fun < best.fun:
        best = res
r, alpha, a, b = np.exp(best.x)
print(f'r={r:.6f} alpha={alpha:.6f} a={a:.6f} b={b:.6f} loglik={-best.fun:.4f}')
