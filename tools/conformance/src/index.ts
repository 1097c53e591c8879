/**
 * Reference conformance runner: checks the implementation against golden fixtures of the
 * authors' guided policy search code (see `../shared/fixtures/gps-reference/README.md`).
 *
 * @packageDocumentation
 */
export { Checker, type CheckRecord, DEFAULT_TOL, type Tolerance } from './check.js';
export * from './fixture.js';
export { KINDS, type Kind, type KindHandler, kindOf, loadHandler } from './kinds.js';
export { type FileResult, listFixtures, runFile } from './runner.js';
