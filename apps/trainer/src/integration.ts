/**
 * Loading of exports from workspace packages that are still being written: the trainer asks
 * for a named export at run time and fails with an {@link IntegrationMissingError} naming the
 * package and the export when it is not there yet.
 *
 * @packageDocumentation
 */
import { IntegrationMissingError } from './errors.js';

/**
 * The export `name` of package `pkg`, or an {@link IntegrationMissingError}.
 *
 * @param purpose - what it is needed for (in the error message)
 */
export async function loadExport<T>(pkg: string, name: string, purpose: string): Promise<T> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(/* @vite-ignore */ pkg)) as Record<string, unknown>;
  } catch {
    throw new IntegrationMissingError(pkg, name, purpose);
  }
  const v = mod[name];
  if (v === undefined) throw new IntegrationMissingError(pkg, name, purpose);
  return v as T;
}
