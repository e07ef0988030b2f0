/**
 * Jest's asymmetric matchers and thrown errors, typed. @types/jest gives the
 * matchers the type `any`, which the strict lint refuses in an object literal;
 * these return `unknown`, which is all `toEqual`/`toMatchObject` need.
 */

export const anyNumber = (): unknown => expect.any(Number) as unknown;
export const anyString = (): unknown => expect.any(String) as unknown;
export const stringMatching = (pattern: RegExp): unknown => expect.stringMatching(pattern) as unknown;
export const objectContaining = (shape: Record<string, unknown>): unknown => expect.objectContaining(shape) as unknown;

/** What `fn` throws; throws itself (failing the test) when `fn` returns normally. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw, but it returned normally');
}
