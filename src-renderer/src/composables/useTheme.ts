/**
 * useTheme(): the light/dark toggle. Default follows prefers-color-scheme; a choice is pinned on
 * <html data-theme> and remembered in localStorage.
 */
import { ref } from 'vue';

export type Theme = 'light' | 'dark';
const KEY = 'hvlab.theme';

function systemTheme(): Theme {
  return typeof window !== 'undefined' && window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function stored(): Theme | null {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : null;
  } catch {
    return null;
  }
}

const theme = ref<Theme>(stored() ?? systemTheme());

export function applyStoredTheme(): void {
  const s = stored();
  if (s) document.documentElement.dataset.theme = s;
}

export function useTheme() {
  function toggle(): void {
    theme.value = theme.value === 'dark' ? 'light' : 'dark';
    document.documentElement.dataset.theme = theme.value;
    try {
      localStorage.setItem(KEY, theme.value);
    } catch {
      /* private mode: the choice lasts for this page only */
    }
    window.dispatchEvent(new CustomEvent('hvlab:theme', { detail: theme.value }));
  }
  return { theme, toggle };
}
