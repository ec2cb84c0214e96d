/**
 * Agreement statistics as scikit-learn, statsmodels and NumPy compute them, for the tests that check judgeflow's own
 * (src/metrics/) against implementations nobody here wrote. One Python process answers every case of a call.
 */
import { runPythonJson, testPython } from './test-python';

export interface PairsCase {
  truth: number[];
  predicted: number[];
  /** The criteria's label scores (weighted κ's positions, and the per-label table). */
  labels: number[];
}

export interface SklearnAgreement {
  accuracy: number | null;
  kappa: number | null;
  kappaLinear: number | null;
  kappaQuadratic: number | null;
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
  macroF1: number | null;
}

const sklearnScript = `
import json, sys, math, warnings
warnings.simplefilter('ignore')
from sklearn.metrics import accuracy_score, cohen_kappa_score, precision_recall_fscore_support, f1_score
def clean(x):
    x = float(x)
    return None if math.isnan(x) else x
out = []
for c in json.load(sys.stdin):
    t, p, labels = c['truth'], c['predicted'], c['labels']
    if not t:
        out.append(None); continue
    pr, rc, f, s = precision_recall_fscore_support(t, p, labels=labels, zero_division=0)
    out.append(dict(
        accuracy=clean(accuracy_score(t, p)),
        kappa=clean(cohen_kappa_score(t, p, labels=labels)),
        kappaLinear=clean(cohen_kappa_score(t, p, labels=labels, weights='linear')),
        kappaQuadratic=clean(cohen_kappa_score(t, p, labels=labels, weights='quadratic')),
        precision=[float(x) for x in pr], recall=[float(x) for x in rc], f1=[float(x) for x in f],
        support=[int(x) for x in s],
        macroF1=clean(f1_score(t, p, average='macro', zero_division=0)),
    ))
json.dump(out, sys.stdout)
`;

export function sklearnAgreement(cases: PairsCase[]): (SklearnAgreement | null)[] {
  return runPythonJson(testPython(), sklearnScript, cases) as (SklearnAgreement | null)[];
}

const percentileScript = `
import json, sys
import numpy as np
json.dump([float(np.percentile(c['values'], c['q'] * 100)) for c in json.load(sys.stdin)], sys.stdout)
`;

/** NumPy's default (linear) percentile of each case's values. */
export function numpyQuantiles(cases: { values: number[]; q: number }[]): number[] {
  return runPythonJson(testPython(), percentileScript, cases) as number[];
}

const mcnemarScript = `
import json, sys
from statsmodels.stats.contingency_tables import mcnemar
json.dump([float(mcnemar([[c['a'], c['b']], [c['c'], c['d']]], exact=True).pvalue) for c in json.load(sys.stdin)], sys.stdout)
`;

/** statsmodels' exact McNemar p-value of each 2×2 table [[a, b], [c, d]] (b, c: the discordant pairs). */
export function statsmodelsMcnemar(tables: { a: number; b: number; c: number; d: number }[]): number[] {
  return runPythonJson(testPython(), mcnemarScript, tables) as number[];
}
