/** Types of scripts/wat-to-ts.mjs for the packages' tests. */
export function assembleWat(pkgDir: string, wat: string): Promise<Uint8Array>;
export function assembleWatBase64(pkgDir: string, wat: string): Promise<string>;
