import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { arr, Checker, decodeValue, kindOf, loadFixture, num, runFile } from './index.js';

function encode(values: number[], shape: number[], dtype = 'float64') {
  const buf = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => {
    if (dtype === 'int64') buf.writeBigInt64LE(BigInt(v), i * 8);
    else buf.writeDoubleLE(v, i * 8);
  });
  return { __ndarray__: true, dtype, shape, order: 'C', b64: buf.toString('base64') };
}

describe('fixture decoding', () => {
  it('decodes float64 and int64 arrays recursively, keeping scalars', () => {
    const fx = decodeValue({
      a: encode([1.5, -2, 3e-300], [3]),
      nested: { list: [{ idx: encode([7, -1], [2], 'int64') }], eta: 0.25 },
    });
    expect(Array.from(arr(fx, 'a').data)).toEqual([1.5, -2, 3e-300]);
    expect(Array.from(arr(fx, 'nested.list.0.idx').data)).toEqual([7, -1]);
    expect(num(fx, 'nested.eta')).toBe(0.25);
    expect(() => arr(fx, 'nested.missing')).toThrow('no key "missing"');
  });

  it('rejects a byte count that does not match the shape', () => {
    expect(() => decodeValue({ a: { ...encode([1, 2], [2]), shape: [3] } })).toThrow(
      /needs 24 bytes/,
    );
  });
});

describe('kind names', () => {
  it('takes the longest kind prefix and accepts other sizes and variants', () => {
    expect(kindOf('lqr_trajopt_small.json')).toBe('lqr_trajopt');
    expect(kindOf('lqr_cons_per_step_pr2.json')).toBe('lqr_cons_per_step');
    expect(kindOf('dynfit_large_N40.json')).toBe('dynfit');
    expect(kindOf('gauss_fit_joint_prior.json')).toBe('gauss_fit_joint_prior');
    expect(kindOf('costs_pr2_fk_log.json')).toBe('costs');
    expect(kindOf('something_else.json')).toBeUndefined();
  });
});

describe('Checker', () => {
  it('passes within tolerance and reports worst absolute and relative errors', () => {
    const c = new Checker();
    const r = c.close('x', [1 + 1e-12, 2, 0], [1, 2, 0]);
    expect(r.pass).toBe(true);
    expect(r.maxAbsErr).toBeCloseTo(1e-12, 15);
    expect(r.maxRelErr).toBeCloseTo(1e-12, 15);
  });

  it('fails beyond tolerance, on NaN, and on a length mismatch', () => {
    const c = new Checker();
    expect(c.close('a', [1.001], [1], { rtol: 1e-6 }).pass).toBe(false);
    expect(c.close('b', [Number.NaN], [1]).pass).toBe(false);
    expect(c.close('c', [1, 2], [1]).pass).toBe(false);
    expect(c.summary().pass).toBe(false);
    expect(c.summary().checks).toBe(3);
  });

  it('judges exact zeros against the array scale by default', () => {
    const c = new Checker();
    expect(c.close('z', [1e6, 1e-4], [1e6, 0], { rtol: 1e-9 }).pass).toBe(true);
    expect(c.close('z', [1e6, 1e-2], [1e6, 0], { rtol: 1e-9 }).pass).toBe(false);
  });
});

describe('runner', () => {
  it('skips unknown kinds and reports a file that fails to parse as failed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conf-'));
    writeFileSync(join(dir, 'unknown_kind.json'), '{}');
    expect((await runFile(join(dir, 'unknown_kind.json'))).status).toBe('skipped');
    const fx = join(dir, 'x.json');
    writeFileSync(fx, JSON.stringify({ meta: {} }));
    expect(loadFixture(fx)).toEqual({ meta: {} });
  });
});
