/**
 * Small seeded random number generator (mulberry32 + Box-Muller), so that weight
 * initialisation and minibatch order are reproducible across runs and backends.
 */
export class Rng {
  private s: number;
  private spare: number | undefined;

  constructor(seed = 0) {
    this.s = (seed >>> 0) ^ 0x9e3779b9;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal. */
  normal(): number {
    if (this.spare !== undefined) {
      const v = this.spare;
      this.spare = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** In-place Fisher-Yates shuffle. */
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** The generator's full state (to resume a sequence exactly). */
  getState(): [number, number | null] {
    return [this.s, this.spare ?? null];
  }

  /** Restore a state from {@link getState}. */
  setState(state: readonly [number, number | null]): void {
    this.s = state[0] >>> 0;
    this.spare = state[1] ?? undefined;
  }

  /** Derive an integer seed for a child generator. */
  nextSeed(): number {
    return Math.floor(this.uniform() * 4294967296) >>> 0;
  }
}
