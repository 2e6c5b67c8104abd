// Exhaustive properties over small finite tables (every locale, every theme): each item is checked, and a failure
// names every item that broke the property, not just the first.

/** Runs `check` on every item; throws one error listing each failing item with its failed assertion. */
export function expectEvery<T>(items: readonly T[], check: (item: T) => void): void {
  if (items.length === 0) throw new Error('expectEvery: no items (the property would hold vacuously)');
  const failures: string[] = [];
  for (const item of items) {
    try {
      check(item);
    } catch (error) {
      failures.push(`${JSON.stringify(item)}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (failures.length > 0) {
    throw new Error(`${failures.length} of ${items.length} failed the property:\n\n${failures.join('\n\n')}`);
  }
}
