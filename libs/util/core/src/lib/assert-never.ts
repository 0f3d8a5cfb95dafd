/** Exhaustiveness check for discriminated unions: a new case fails to compile here. */
export function assertNever(value: never, message = 'Unexpected value'): never {
  throw new Error(`${message}: ${JSON.stringify(value)}`);
}
