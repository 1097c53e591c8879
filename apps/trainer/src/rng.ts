/**
 * The trainer's random stream: xoshiro128** seeded through splitmix32. It draws the seed of
 * every rollout; its four state words are saved in each checkpoint.
 *
 * @packageDocumentation
 */

/** A small deterministic, checkpointable random generator. */
export class TrainerRng {
  private s = new Uint32Array(4);

  /** @param seed - 32-bit seed; the same seed gives the same stream */
  constructor(seed: number) {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** Next uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** The four state words. */
  getState(): number[] {
    return Array.from(this.s);
  }

  /** Restore a state from {@link TrainerRng.getState}. */
  setState(words: readonly number[]): void {
    if (words.length !== 4)
      throw new RangeError(`TrainerRng.setState: need 4 words, got ${words.length}`);
    for (let i = 0; i < 4; i++) this.s[i] = words[i] >>> 0;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
