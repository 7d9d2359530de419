/**
 * Finding rendered elements in renderer component tests: `byTestId(id)` → the element with
 * `data-testid=id` in the document, or an error naming the test id (so a missing element fails there,
 * not as a null dereference later).
 */
export function byTestId<T extends Element>(testId: string): T {
  const el = document.querySelector<T>(`[data-testid=${testId}]`);
  if (!el) throw new Error(`no [data-testid=${testId}]`);
  return el;
}
