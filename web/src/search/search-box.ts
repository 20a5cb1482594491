/**
 * The search box (`#search`, results `#search-results li[data-entity]`): asks the daemon
 * (`GET /api/search?q=&limit=`), or searches the live copy when the route is missing; arrow keys
 * move through the results, Enter or a click focuses the node (centre + highlight + select).
 */
import type { AppContext } from '../context.js';
import { searchLocal, type SearchResult } from './local-search.js';

const DEBOUNCE_MS = 120;
const LIMIT = 20;

export interface SearchBoxOptions {
  input: HTMLInputElement;
  results: HTMLUListElement;
  ctx: AppContext;
  fetch?: typeof fetch;
}

export function mountSearch({ input, results, ctx, fetch: fetchFn = (u, i) => fetch(u, i) }: SearchBoxOptions): void {
  let serverSearch = true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let current: SearchResult[] = [];
  let active = -1;
  let generation = 0;

  results.setAttribute('role', 'listbox');
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-controls', results.id);
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('autocomplete', 'off');

  async function query(q: string): Promise<SearchResult[]> {
    if (serverSearch) {
      try {
        const res = await fetchFn(`/api/search?q=${encodeURIComponent(q)}&limit=${LIMIT}`);
        if (res.ok) {
          const body = (await res.json()) as unknown;
          const list = Array.isArray(body) ? body : (body as { results?: unknown })?.results;
          if (Array.isArray(list)) return list as SearchResult[];
        } else if (res.status === 404) serverSearch = false;
      } catch {
        // daemon unreachable: search what we have
      }
    }
    return searchLocal(q, ctx.live.nodes.values(), ctx.live.ports.values(), LIMIT);
  }

  function render(): void {
    results.replaceChildren(...current.map((r, i) => {
      const li = document.createElement('li');
      li.dataset.entity = r.entity;
      li.dataset.node = r.node ?? r.entity;
      li.id = `search-result-${i}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', String(i === active));
      li.tabIndex = -1;
      const state = ctx.live.nodes.get(r.node ?? r.entity)?.state ?? 'unknown';
      const dot = document.createElement('span');
      dot.className = `state-dot state-${state}`;
      dot.title = state;
      const label = document.createElement('span');
      label.className = 'result-label';
      label.textContent = r.label;
      const why = document.createElement('span');
      why.className = 'result-match';
      why.textContent = r.match === 'name' ? '' : `${r.match}: ${r.value}`;
      li.append(dot, label, why);
      li.addEventListener('mousedown', (e) => e.preventDefault());
      li.addEventListener('click', () => choose(i));
      return li;
    }));
    if (input.value.trim() && !current.length) {
      const li = document.createElement('li');
      li.className = 'empty';
      li.textContent = 'no match';
      results.append(li);
    }
    const open = !!input.value.trim() && document.activeElement === input;
    results.hidden = !open;
    input.setAttribute('aria-expanded', String(open));
    if (active >= 0) input.setAttribute('aria-activedescendant', `search-result-${active}`);
    else input.removeAttribute('aria-activedescendant');
  }

  function choose(i: number): void {
    const r = current[i];
    if (!r) return;
    ctx.focus(r.node ?? r.entity);
    results.hidden = true;
    input.setAttribute('aria-expanded', 'false');
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q) {
      current = [];
      active = -1;
      render();
      return;
    }
    timer = setTimeout(async () => {
      const mine = ++generation;
      const found = await query(q);
      if (mine !== generation) return;
      current = found;
      active = found.length ? 0 : -1;
      render();
    }, DEBOUNCE_MS);
  });
  input.addEventListener('keydown', async (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!current.length) return;
      active = (active + (e.key === 'ArrowDown' ? 1 : -1) + current.length) % current.length;
      render();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      clearTimeout(timer);
      const q = input.value.trim();
      if (!q) return;
      if (!current.length || active < 0) {
        current = await query(q);
        active = current.length ? 0 : -1;
      }
      choose(Math.max(active, 0));
    } else if (e.key === 'Escape') {
      input.value = '';
      current = [];
      active = -1;
      render();
      input.blur();
    }
  });
  input.addEventListener('focus', render);
  input.addEventListener('blur', () => {
    results.hidden = true;
    input.setAttribute('aria-expanded', 'false');
  });
}
