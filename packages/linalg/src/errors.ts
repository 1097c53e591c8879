/** A matrix expected to be symmetric positive definite is not. */
export class NotPositiveDefiniteError extends Error {
  /**
   * @param op - the operation that failed, e.g. `"cholesky"`
   * @param minor - order (1-based) of the first leading minor that is not positive definite
   * @param n - size of the matrix
   */
  constructor(
    readonly op: string,
    readonly minor: number,
    readonly n: number,
    detail = '',
  ) {
    super(
      `${op}: matrix is not positive definite (leading minor of order ${minor} of ${n} fails)${
        detail ? `: ${detail}` : ''
      }`,
    );
    this.name = 'NotPositiveDefiniteError';
  }
}

/** A square system has no unique solution (an exactly zero pivot). */
export class SingularMatrixError extends Error {
  /**
   * @param op - the operation that failed
   * @param pivot - 0-based column whose pivot is zero
   * @param n - size of the matrix
   */
  constructor(
    readonly op: string,
    readonly pivot: number,
    readonly n: number,
  ) {
    super(`${op}: singular matrix (zero pivot in column ${pivot} of ${n})`);
    this.name = 'SingularMatrixError';
  }
}
