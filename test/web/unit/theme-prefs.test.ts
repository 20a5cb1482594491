import { expect } from 'chai';
import { initialTheme, otherTheme, readStoredTheme, storeTheme, THEME_KEY, type KeyValueStore } from '../../../web/src/theme/prefs.js';

function memory(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('web theme: preference', () => {
  it('prefers the stored choice, then the system preference, then dark', () => {
    expect(initialTheme('light', false)).to.equal('light');
    expect(initialTheme('dark', true)).to.equal('dark');
    expect(initialTheme(null, true)).to.equal('light');
    expect(initialTheme(null, false)).to.equal('dark');
    expect(initialTheme('purple', undefined)).to.equal('dark');
    expect(otherTheme('dark')).to.equal('light');
  });

  it('persists the choice and survives a storage that throws', () => {
    const m = memory();
    expect(readStoredTheme(m)).to.equal(undefined);
    storeTheme(m, 'light');
    expect(m.data.get(THEME_KEY)).to.equal('light');
    expect(readStoredTheme(m)).to.equal('light');
    const broken: KeyValueStore = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('denied'); } };
    expect(readStoredTheme(broken)).to.equal(undefined);
    expect(() => storeTheme(broken, 'dark')).not.to.throw();
    expect(readStoredTheme(undefined)).to.equal(undefined);
  });
});
