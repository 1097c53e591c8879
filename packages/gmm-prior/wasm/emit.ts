/**
 * A minimal WebAssembly binary emitter: just the instructions the gmm-prior kernels use
 * (i32 arithmetic, f64 and v128 loads/stores, f64x2 arithmetic, block/loop/br_if). Build-time
 * only: `gen-kernels.ts` uses it to write `src/wasm-kernels-bytes.ts`.
 */

export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F64 | typeof V128;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function str(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** One function body under construction. Locals are numbered after the parameters. */
export class Fn {
  readonly code: number[] = [];
  private readonly locals: ValType[] = [];
  constructor(
    readonly name: string,
    readonly params: ValType[],
    readonly results: ValType[] = [],
  ) {}

  /** A new local of the given type; returns its index. */
  local(t: ValType): number {
    this.locals.push(t);
    return this.params.length + this.locals.length - 1;
  }

  private op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }
  private simd(op: number, ...imm: number[]): this {
    return this.op(0xfd, ...uleb(op), ...imm);
  }

  get(i: number): this {
    return this.op(0x20, ...uleb(i));
  }
  set(i: number): this {
    return this.op(0x21, ...uleb(i));
  }
  tee(i: number): this {
    return this.op(0x22, ...uleb(i));
  }
  i32(n: number): this {
    return this.op(0x41, ...sleb(n));
  }
  add(): this {
    return this.op(0x6a);
  }
  sub(): this {
    return this.op(0x6b);
  }
  mul(): this {
    return this.op(0x6c);
  }
  /** select: (a, b, cond) → cond ? a : b */
  select(): this {
    return this.op(0x1b);
  }
  divU(): this {
    return this.op(0x6e);
  }
  f64Const0(): this {
    return this.op(0x44, 0, 0, 0, 0, 0, 0, 0, 0);
  }
  /** if ... end (no else). */
  ifThen(body: () => void): this {
    this.op(0x04, 0x40);
    body();
    return this.op(0x0b);
  }
  and(): this {
    return this.op(0x71);
  }
  shl(): this {
    return this.op(0x74);
  }
  ltS(): this {
    return this.op(0x48);
  }
  geS(): this {
    return this.op(0x4e);
  }
  gtS(): this {
    return this.op(0x4a);
  }
  i32Load(offset = 0): this {
    return this.op(0x28, 2, ...uleb(offset));
  }
  f64Load(offset = 0): this {
    return this.op(0x2b, 3, ...uleb(offset));
  }
  f64Store(offset = 0): this {
    return this.op(0x39, 3, ...uleb(offset));
  }
  v128Load(offset = 0): this {
    return this.simd(0x00, 3, ...uleb(offset));
  }
  v128Store(offset = 0): this {
    return this.simd(0x0b, 3, ...uleb(offset));
  }
  load64Splat(offset = 0): this {
    return this.simd(0x0a, 3, ...uleb(offset));
  }
  v128Zero(): this {
    return this.simd(0x0c, ...new Array(16).fill(0));
  }
  f64Sqrt(): this {
    return this.op(0x9f);
  }
  f64Ne(): this {
    return this.op(0x62);
  }
  eqz(): this {
    return this.op(0x45);
  }
  f64x2Splat(): this {
    return this.simd(0x14);
  }
  f64x2Add(): this {
    return this.simd(0xf0);
  }
  f64x2Sub(): this {
    return this.simd(0xf1);
  }
  f64x2Mul(): this {
    return this.simd(0xf2);
  }
  f64x2Div(): this {
    return this.simd(0xf3);
  }
  /** block ... end (label depth 0 inside refers to its end). */
  block(body: () => void): this {
    this.op(0x02, 0x40);
    body();
    return this.op(0x0b);
  }
  /** loop ... end (label depth 0 inside refers to its start). */
  loop(body: () => void): this {
    this.op(0x03, 0x40);
    body();
    return this.op(0x0b);
  }
  brIf(depth: number): this {
    return this.op(0x0d, ...uleb(depth));
  }
  br(depth: number): this {
    return this.op(0x0c, ...uleb(depth));
  }

  /**
   * `for (i = start; i < end; i += step) body()` where start/end/step are emitted by the
   * callbacks (i32), as block { loop { br_if(!(i < end)) ; body ; i += step ; br loop } }.
   * Inside body, label depth 0 is the loop and 1 the exit block.
   */
  forLt(i: number, start: () => void, end: () => void, step: number, body: () => void): this {
    start();
    this.set(i);
    return this.block(() => {
      this.loop(() => {
        this.get(i);
        end();
        this.geS().brIf(1);
        body();
        this.get(i).i32(step).add().set(i).br(0);
      });
    });
  }

  encode(): number[] {
    const groups: number[][] = [];
    for (const t of this.locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const body = [...uleb(groups.length), ...groups.flatMap(([n, t]) => [...uleb(n), t])];
    const all = [...body, ...this.code, 0x0b];
    return [...uleb(all.length), ...all];
  }
}

/** A module with one exported memory ("memory", `pages` initial 64 KiB pages) and functions. */
export function moduleBytes(fns: Fn[], pages: number): Uint8Array {
  const types = fns.map((f) => [
    0x60,
    ...vec(f.params.map((p) => [p])),
    ...vec(f.results.map((r) => [r])),
  ]);
  const out = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(types)),
    ...section(3, vec(fns.map((_, i) => uleb(i)))),
    ...section(5, vec([[0x00, ...uleb(pages)]])),
    ...section(
      7,
      vec([
        [...str('memory'), 0x02, 0x00],
        ...fns.map((f, i) => [...str(f.name), 0x00, ...uleb(i)]),
      ]),
    ),
    ...section(10, vec(fns.map((f) => f.encode()))),
  ];
  return new Uint8Array(out);
}
