/**
 * Theme and NOC controls: `#theme-toggle` switches `body[data-theme=dark|light]` (kept in
 * localStorage; first visit follows `prefers-color-scheme`, and keeps following it until the user
 * chooses), `#noc-toggle` enters/leaves NOC mode: `body.noc` (larger type, no side panel), full
 * screen when the browser allows it, and `onNoc(on)` so the map re-fits. Leaving full screen
 * (Esc, F11) leaves NOC mode too.
 */
import { h, svg } from '../panel/dom.js';
import { initialTheme, otherTheme, readStoredTheme, storeTheme, type Theme } from './prefs.js';

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

function themeIcon(t: Theme): SVGElement {
  const path = t === 'dark'
    ? svg('path', { d: 'M12.5 10.5A5.5 5.5 0 0 1 5.5 3.5a5.5 5.5 0 1 0 7 7z', fill: 'currentColor' })
    : svg('g', { stroke: 'currentColor', 'stroke-width': 1.5, fill: 'none', 'stroke-linecap': 'round' },
      svg('circle', { cx: 8, cy: 8, r: 3 }),
      svg('path', { d: 'M8 1v1.5M8 13.5V15M1 8h1.5M13.5 8H15M3 3l1 1M12 12l1 1M3 13l1-1M12 4l1-1' }));
  return svg('svg', { viewBox: '0 0 16 16', width: 16, height: 16, 'aria-hidden': 'true' }, path);
}

function nocIcon(): SVGElement {
  return svg('svg', { viewBox: '0 0 16 16', width: 16, height: 16, 'aria-hidden': 'true' },
    svg('path', { d: 'M2 6V2h4M10 2h4v4M14 10v4h-4M6 14H2v-4', stroke: 'currentColor', 'stroke-width': 1.5, fill: 'none' }));
}

export function mountThemeControls(el: HTMLElement, onNoc: (on: boolean) => void): void {
  const store = storage();
  const media = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: light)') : undefined;
  let chosen = readStoredTheme(store);
  let theme = initialTheme(chosen, media?.matches);
  let noc = false;
  let ownFullscreen = false;

  const themeBtn = h('button', { type: 'button', id: 'theme-toggle', class: 'icon-button' });
  const nocBtn = h('button', { type: 'button', id: 'noc-toggle', class: 'icon-button', 'aria-pressed': 'false', 'aria-label': 'NOC mode: full screen, larger text, map only' }, nocIcon(), h('span', { text: 'NOC' }));
  el.classList.add('theme-controls');
  el.replaceChildren(themeBtn, nocBtn);

  function applyTheme(t: Theme): void {
    theme = t;
    document.body.dataset.theme = t;
    document.documentElement.style.colorScheme = t;
    const next = otherTheme(t);
    themeBtn.replaceChildren(themeIcon(t), h('span', { class: 'visually-hidden', text: `${t} theme` }));
    themeBtn.setAttribute('aria-label', `Theme: ${t}. Switch to the ${next} theme`);
    themeBtn.title = `Switch to the ${next} theme`;
  }

  function setNoc(on: boolean): void {
    if (on === noc) return;
    noc = on;
    document.body.classList.toggle('noc', on);
    nocBtn.setAttribute('aria-pressed', String(on));
    if (on && document.fullscreenEnabled && !document.fullscreenElement && document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().then(() => { ownFullscreen = true; }, () => { ownFullscreen = false; });
    } else if (!on && ownFullscreen && document.fullscreenElement) {
      ownFullscreen = false;
      void document.exitFullscreen().catch(() => undefined);
    }
    onNoc(on);
  }

  themeBtn.addEventListener('click', () => {
    chosen = otherTheme(theme);
    storeTheme(store, chosen);
    applyTheme(chosen);
  });
  nocBtn.addEventListener('click', () => setNoc(!noc));
  document.addEventListener('fullscreenchange', () => {
    if (!document.fullscreenElement && ownFullscreen) {
      ownFullscreen = false;
      setNoc(false);
    }
  });
  media?.addEventListener?.('change', (e) => {
    if (!chosen) applyTheme(e.matches ? 'light' : 'dark');
  });
  applyTheme(theme);
}
