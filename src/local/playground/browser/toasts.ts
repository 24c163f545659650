/** Short notices in the corner of the page: what was refused, what went wrong. */

export interface Toasts {
  show(text: string, isError?: boolean): void;
  /** Shows what went wrong; errors may come from another realm (fetch), so no `instanceof Error`. */
  fail(error: unknown): void;
}

export function createToasts(doc: Document, root: HTMLElement): Toasts {
  const show = (text: string, isError = false) => {
    const el = doc.createElement('div');
    el.className = `toast${isError ? ' error' : ''}`;
    el.textContent = text;
    root.appendChild(el);
    setTimeout(() => el.remove(), isError ? 9000 : 5000);
  };
  return { show, fail: (error) => show(errorMessage(error), true) };
}

export function errorMessage(error: unknown): string {
  return typeof error === 'object' && error !== null && 'message' in error
    ? String(error.message)
    : String(error);
}
