export function utilCore(): string {
  return 'util-core';
}
