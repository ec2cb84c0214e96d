/**
 * Judges with known properties, for tests that must show judgeflow's estimates recover the truth. A datapoint carries
 * its ground truth as `[[truth=N]]` in the text the judge sees; a simulated judge answers it correctly with a set
 * probability (`accuracy`), else picks one of the other labels uniformly. Every draw is a hash of the judge's error
 * seed, the user message and the sample number, so a run repeats exactly, two judges with the same seed make the same
 * errors (perfectly correlated) and judges with different seeds err independently. Sampling temperature 0 gives every
 * sample of a row the same draw; above 0 (OpenAI's default is 1) each sample draws anew.
 */

export interface SimulatedJudge {
  /** The probability that one sample names the truth (0..1). */
  accuracy: number;
  /** The probability that it answers the first-listed label whatever the truth (position bias, 0..1). */
  positionBias?: number;
  /** Judges with the same seed share their draws: their errors coincide. */
  errorSeed: string;
}

const TRUTH = /\[\[truth=(-?\d+)\]\]/;

/** The ground truth a datapoint's text carries, if it carries one. */
export function truthOf(userText: string): number | undefined {
  const m = TRUTH.exec(userText);
  return m ? Number(m[1]) : undefined;
}

/** The text a test dataset puts in a datapoint so a simulated judge knows its truth. */
export function truthMarker(score: number): string {
  return `[[truth=${score}]]`;
}

/**
 * Sample `draw`'s score for a datapoint: with probability `positionBias` the first-listed label, else the truth with
 * probability `accuracy`, else another allowed score, each equally likely. Undefined when the text carries no truth,
 * or its truth is not an allowed score.
 */
export function simulatedScore(
  judge: SimulatedJudge,
  userText: string,
  allowed: number[],
  draw: number,
  firstListed?: number,
): number | undefined {
  const truth = truthOf(userText);
  if (truth === undefined || !allowed.includes(truth)) return undefined;
  // The bias draw depends on the datapoint, not on the order: the same row is biased under every order.
  if (
    judge.positionBias &&
    firstListed !== undefined &&
    unitDraw(judge.errorSeed, userText, draw, 'bias') < judge.positionBias
  )
    return firstListed;
  if (unitDraw(judge.errorSeed, userText, draw, 'correct') < judge.accuracy) return truth;
  const others = allowed.filter((s) => s !== truth);
  if (!others.length) return truth;
  return others[Math.floor(unitDraw(judge.errorSeed, userText, draw, 'error') * others.length)]!;
}

/**
 * The probability of each allowed score that `simulatedScore` draws from: `accuracy` on the truth, the rest shared
 * equally by the other labels. Undefined when the text carries no allowed truth.
 */
export function simulatedDistribution(
  judge: SimulatedJudge,
  userText: string,
  allowed: number[],
): Map<number, number> | undefined {
  const truth = truthOf(userText);
  if (truth === undefined || !allowed.includes(truth)) return undefined;
  const others = allowed.length - 1;
  return new Map(
    allowed.map((s) => [s, others === 0 ? 1 : s === truth ? judge.accuracy : (1 - judge.accuracy) / others]),
  );
}

/** A uniform number in [0, 1) from the parts: FNV-1a, then murmur3's finaliser so near inputs spread. */
export function unitDraw(...parts: (string | number)[]): number {
  const text = parts.join('\u0000');
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
