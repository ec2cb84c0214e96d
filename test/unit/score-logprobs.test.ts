/**
 * Logprob scoring's two steps: reading the judge's probability over the label scores at the score token of its
 * answer (OpenAI's token shapes: a token of its own, one that begins before the value, alternatives that are no
 * score), and the verdict, expected score and entropy from it — checked against scipy (`entropy` in base 2,
 * `rv_discrete(...).median()` and `.mean()`).
 */
import { describe, expect, it } from 'vitest';
import type { TokenLogprob } from '../../src/llm/judge';
import { readScoreLogprobs } from '../../src/llm/score-logprobs';
import { distributionVerdict } from '../../src/metrics/score-distribution';
import { runPythonJson, testPython } from '../support/test-python';

const certain = (token: string): TokenLogprob => ({ token, logprob: 0, topLogprobs: [{ token, logprob: 0 }] });
const at = (token: string, alternatives: [string, number][]): TokenLogprob => ({
  token,
  logprob: Math.log(alternatives.find(([t]) => t === token)?.[1] ?? 0.01),
  topLogprobs: alternatives.map(([t, p]) => ({ token: t, logprob: Math.log(p) })),
});

describe('readScoreLogprobs', () => {
  it('normalises the label scores among the alternatives at the score token, ignoring other tokens', () => {
    const content = '{"score": 2, "rationale": "fine"}';
    const tokens = [
      certain('{"'),
      certain('score'),
      certain('":'),
      at(' 2', [
        [' 2', 0.6],
        [' 1', 0.2],
        ['1', 0.1],
        [' "', 0.05],
        [' 7', 0.05],
      ]),
      certain(', "'),
      certain('rationale'),
      certain('": "fine"}'),
    ];
    const reading = readScoreLogprobs(content, tokens, [0, 1, 2]);
    // ' 1' and '1' are the same score; ' "' and 7 (not a label) carry no mass.
    expect(reading).toEqual({
      distribution: [
        { score: 0, p: 0 },
        { score: 1, p: expect.closeTo(0.3 / 0.9, 12) },
        { score: 2, p: expect.closeTo(0.6 / 0.9, 12) },
      ],
    });
  });

  it('reads a token that begins before the value, as `":1`', () => {
    const reading = readScoreLogprobs(
      '{"score":1}',
      [
        certain('{"'),
        certain('score'),
        at('":1', [
          ['":1', 0.75],
          ['":0', 0.25],
        ]),
        certain('}'),
      ],
      [0, 1],
    );
    expect(reading).toEqual({
      distribution: [
        { score: 0, p: 0.25 },
        { score: 1, p: 0.75 },
      ],
    });
  });

  it('says there are none, or why they cannot be read', () => {
    expect(readScoreLogprobs('{"score": 1}', null, [0, 1])).toEqual({ missing: true });
    expect(readScoreLogprobs('{"score": 1}', [], [0, 1])).toEqual({ missing: true });
    expect(readScoreLogprobs('{"verdict": 1}', [certain('{"verdict": 1}')], [0, 1])).toMatchObject({
      problem: expect.stringMatching(/no "score" key/),
    });
    // A score of two tokens (`1` `0` for 10) cannot be read from one position.
    expect(
      readScoreLogprobs('{"score": 10}', [certain('{"score": '), at('1', [['1', 0.9]]), certain('0}')], [1, 10]),
    ).toMatchObject({ problem: expect.stringMatching(/not one token/) });
    expect(
      readScoreLogprobs(
        '{"score": 1}',
        [
          certain('{"score": '),
          at('1', [
            ['1', 0.9],
            [' "', 0.1],
          ]),
        ],
        [0, 2],
      ),
    ).toMatchObject({ problem: expect.stringMatching(/no label score/) });
  });
});

const distributions = [
  [0.1, 0.2, 0.4, 0.2, 0.1],
  [0.5, 0.5],
  [0.05, 0.05, 0.1, 0.3, 0.5],
  [1, 0, 0],
  [0.25, 0.25, 0.25, 0.25],
  [0.3, 0.1, 0.1, 0.5],
  [0.49, 0.02, 0.49],
];
const scipyScript = `
import json, sys
from scipy.stats import entropy, rv_discrete
out = []
for c in json.load(sys.stdin):
    rv = rv_discrete(values=(c['scores'], c['p']))
    out.append(dict(entropy=float(entropy(c['p'], base=2)), median=float(rv.median()), mean=float(rv.mean())))
json.dump(out, sys.stdout)
`;

describe('distributionVerdict', () => {
  const cases = distributions.map((p) => ({ scores: p.map((_, i) => i + 1), p }));
  const expected = runPythonJson(testPython(), scipyScript, cases) as {
    entropy: number;
    median: number;
    mean: number;
  }[];

  it('has the entropy in bits, the median and the mean scipy computes', () => {
    for (const [i, c] of cases.entries()) {
      const d = c.scores.map((score, j) => ({ score, p: c.p[j]! }));
      expect(distributionVerdict(d, 'majority').entropyBits).toBeCloseTo(expected[i]!.entropy, 10);
      expect(distributionVerdict(d, 'median').score).toBe(expected[i]!.median);
      expect(distributionVerdict(d, 'majority').meanScore).toBeCloseTo(expected[i]!.mean, 12);
    }
  });

  it('majority is the argmax (ties to the lower score), mean the label nearest the expected score; confidence is its probability', () => {
    const d = (p: number[]) => p.map((x, i) => ({ score: i + 1, p: x }));
    expect(distributionVerdict(d([0.3, 0.1, 0.1, 0.5]), 'majority')).toMatchObject({ score: 4, confidence: 0.5 });
    expect(distributionVerdict(d([0.5, 0.5]), 'majority').score).toBe(1);
    // Mean 2.8: nearest label 3, which has probability 0.1.
    expect(distributionVerdict(d([0.3, 0.1, 0.1, 0.5]), 'mean')).toMatchObject({ score: 3, confidence: 0.1 });
    // Mean 1.5: halfway, the lower.
    expect(distributionVerdict(d([0.5, 0.5]), 'mean').score).toBe(1);
    expect(distributionVerdict(d([1, 0, 0]), 'majority')).toEqual({
      score: 1,
      confidence: 1,
      meanScore: 1,
      entropyBits: 0,
    });
  });
});
