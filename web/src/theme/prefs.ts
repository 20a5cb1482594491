/**
 * The theme choice as data: the stored preference wins, else the system's
 * `prefers-color-scheme`, else dark (a NOC wall's usual setting). `readStoredTheme` tolerates a
 * missing or throwing storage (private mode, disabled cookies).
 */
export type Theme = 'dark' | 'light';
export const THEME_KEY = 'vigie.theme';

export function isTheme(v: unknown): v is Theme {
  return v === 'dark' || v === 'light';
}

export function initialTheme(stored: string | null | undefined, prefersLight: boolean | undefined): Theme {
  if (isTheme(stored)) return stored;
  if (prefersLight === true) return 'light';
  return 'dark';
}

export function otherTheme(t: Theme): Theme {
  return t === 'dark' ? 'light' : 'dark';
}

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function readStoredTheme(store: KeyValueStore | undefined): Theme | undefined {
  try {
    const v = store?.getItem(THEME_KEY);
    return isTheme(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export function storeTheme(store: KeyValueStore | undefined, t: Theme): void {
  try {
    store?.setItem(THEME_KEY, t);
  } catch {
    // Storage refused (private mode): the choice lasts for this page only.
  }
}
