/**
 * A strided, row-major view of a matrix inside a `Float64Array`:
 * entry (i, j) lives at `data[offset + i * stride + j]`.
 *
 * Views never copy. A view's `offset` may be moved (see {@link Batch.at}) so that one view
 * object can walk the slices of a batch inside a hot loop without allocating.
 */
export class Mat {
  /**
   * @param data - backing storage
   * @param rows - number of rows
   * @param cols - number of columns
   * @param offset - index of entry (0, 0) in `data`
   * @param stride - distance in `data` between (i, j) and (i + 1, j); at least `cols`
   */
  constructor(
    public data: Float64Array,
    public rows: number,
    public cols: number,
    public offset = 0,
    public stride = cols,
  ) {
    if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
      throw new RangeError(`Mat: rows and cols must be non-negative integers, got ${rows}x${cols}`);
    }
    if (rows > 0 && cols > 0 && offset + (rows - 1) * stride + cols > data.length) {
      throw new RangeError(
        `Mat: a ${rows}x${cols} view at offset ${offset} with stride ${stride} needs ${
          offset + (rows - 1) * stride + cols
        } entries, the buffer has ${data.length}`,
      );
    }
  }

  /** A new zero matrix `[rows, cols]`. */
  static zeros(rows: number, cols: number): Mat {
    return new Mat(new Float64Array(rows * cols), rows, cols);
  }

  /** A new n x n identity matrix. */
  static identity(n: number): Mat {
    const m = Mat.zeros(n, n);
    for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
    return m;
  }

  /** A new matrix copied from nested arrays (rows of equal length). */
  static from(rows: readonly (readonly number[])[]): Mat {
    const r = rows.length;
    const c = r > 0 ? rows[0].length : 0;
    const m = Mat.zeros(r, c);
    for (let i = 0; i < r; i++) {
      if (rows[i].length !== c) {
        throw new RangeError(`Mat.from: row ${i} has ${rows[i].length} entries, expected ${c}`);
      }
      for (let j = 0; j < c; j++) m.data[i * c + j] = rows[i][j];
    }
    return m;
  }

  /** A column vector view `[n, 1]` over `data[offset .. offset + n)`. */
  static vec(data: Float64Array, offset = 0, n = data.length - offset): Mat {
    return new Mat(data, n, 1, offset, 1);
  }

  /** Entry (i, j). */
  get(i: number, j: number): number {
    return this.data[this.offset + i * this.stride + j];
  }

  /** Set entry (i, j). */
  set(i: number, j: number, v: number): void {
    this.data[this.offset + i * this.stride + j] = v;
  }

  /** True when rows are stored back to back (stride === cols). */
  get contiguous(): boolean {
    return this.stride === this.cols || this.rows <= 1;
  }

  /** A view of the block of `rows` x `cols` starting at (r0, c0). No copy. */
  block(r0: number, c0: number, rows: number, cols: number): Mat {
    if (r0 < 0 || c0 < 0 || r0 + rows > this.rows || c0 + cols > this.cols) {
      throw new RangeError(
        `Mat.block: [${r0}:${r0 + rows}, ${c0}:${c0 + cols}] is outside a ${this.rows}x${this.cols} matrix`,
      );
    }
    return new Mat(this.data, rows, cols, this.offset + r0 * this.stride + c0, this.stride);
  }

  /** A contiguous copy. */
  clone(): Mat {
    const m = Mat.zeros(this.rows, this.cols);
    copy(this, m);
    return m;
  }

  /** A new matrix holding the transpose. */
  transpose(): Mat {
    const m = Mat.zeros(this.cols, this.rows);
    for (let i = 0; i < this.rows; i++) {
      for (let j = 0; j < this.cols; j++) m.data[j * this.rows + i] = this.get(i, j);
    }
    return m;
  }

  /** Nested arrays, for printing and tests. */
  toArray(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) {
      const row: number[] = [];
      for (let j = 0; j < this.cols; j++) row.push(this.get(i, j));
      out.push(row);
    }
    return out;
  }
}

/**
 * A batch of equally shaped matrices `[count, rows, cols]` stored back to back, e.g. the
 * time-varying gains K `[T, dU, dX]`. Slices are {@link Mat} views; no copy.
 */
export class Batch {
  constructor(
    public data: Float64Array,
    public count: number,
    public rows: number,
    public cols: number,
    public offset = 0,
  ) {
    const need = offset + count * rows * cols;
    if (need > data.length) {
      throw new RangeError(
        `Batch: [${count}, ${rows}, ${cols}] at offset ${offset} needs ${need} entries, the buffer has ${data.length}`,
      );
    }
  }

  /** A new zero batch. */
  static zeros(count: number, rows: number, cols: number): Batch {
    return new Batch(new Float64Array(count * rows * cols), count, rows, cols);
  }

  /** Entries per slice. */
  get size(): number {
    return this.rows * this.cols;
  }

  /**
   * Slice t as a view. Pass `reuse` (a view made earlier by this method) to move it instead
   * of allocating a new one, which keeps per-time-step loops allocation-free.
   */
  at(t: number, reuse?: Mat): Mat {
    if (t < 0 || t >= this.count) {
      throw new RangeError(`Batch.at: index ${t} is outside [0, ${this.count})`);
    }
    const off = this.offset + t * this.rows * this.cols;
    if (reuse) {
      reuse.data = this.data;
      reuse.rows = this.rows;
      reuse.cols = this.cols;
      reuse.stride = this.cols;
      reuse.offset = off;
      return reuse;
    }
    return new Mat(this.data, this.rows, this.cols, off, this.cols);
  }
}

/** Copy `src` into `dst` (same shape). */
export function copy(src: Mat, dst: Mat): Mat {
  checkSame('copy', src, dst);
  const { rows, cols } = src;
  const s = src.data;
  const d = dst.data;
  for (let i = 0; i < rows; i++) {
    const so = src.offset + i * src.stride;
    const doff = dst.offset + i * dst.stride;
    for (let j = 0; j < cols; j++) d[doff + j] = s[so + j];
  }
  return dst;
}

/** @internal */
export function checkSame(op: string, a: Mat, b: Mat): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new RangeError(`${op}: shapes ${a.rows}x${a.cols} and ${b.rows}x${b.cols} differ`);
  }
}
