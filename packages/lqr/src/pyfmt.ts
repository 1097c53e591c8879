/**
 * Python `%f` / `%.2e` formatting, so that the optional DGD log reproduces the reference's
 * log lines character for character.
 *
 * @internal
 */

/** Python `'%f' % x` (6 decimals; `inf`, `nan`). */
export function pyF(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Math.abs(x) >= 1e21) return `${BigInt(Math.round(x)).toString()}.000000`;
  return x.toFixed(6);
}

/** Python `'%.2e' % x` (two-digit exponent at least). */
export function pyE2(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const s = x.toExponential(2);
  const m = /^(-?[\d.]+)e([+-])(\d+)$/.exec(s);
  if (!m) return s;
  return `${m[1]}e${m[2]}${m[3].length < 2 ? `0${m[3]}` : m[3]}`;
}
