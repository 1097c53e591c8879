/** Base class of every typed error thrown by visuomotor packages. */
export class VisuomotorError extends Error {
  /** Structured context (which field, which time step, which value) for programs to read. */
  readonly context: Readonly<Record<string, unknown>>;
  constructor(message: string, context: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.context = context;
  }
}

/** An array does not have the shape a function expects. */
export class ShapeError extends VisuomotorError {
  constructor(field: string, expected: readonly number[], actualLength: number | undefined) {
    const n = expected.reduce((a, b) => a * b, 1);
    super(
      `${field}: expected shape [${expected.join(', ')}] (${n} entries), got ${
        actualLength === undefined ? 'nothing' : `${actualLength} entries`
      }`,
      { field, expected, actualLength },
    );
  }
}

/** A value is outside what a function accepts (negative variance, wrong enum member...). */
export class InvalidArgumentError extends VisuomotorError {
  constructor(field: string, expected: string, got: unknown) {
    super(`${field}: expected ${expected}, got ${formatValue(got)}`, { field, expected, got });
  }
}

/** A computation produced NaN or Infinity where a finite value is required. */
export class NonFiniteError extends VisuomotorError {}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) {
    return String(v);
  }
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as Float64Array).length})`;
  try {
    return JSON.stringify(v).slice(0, 80);
  } catch {
    return String(v);
  }
}
