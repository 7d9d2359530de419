/**
 * useTheme(): the light/dark toggle. The theme always lives on <html data-theme> (theme.css keys the
 * dark palette on it alone); the default follows prefers-color-scheme, live, until the user picks one,
 * which is remembered in localStorage.
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
  document.documentElement.dataset.theme = stored() ?? systemTheme();
  // Follow the system setting while the user has not chosen a theme.
  window.matchMedia?.('(prefers-color-scheme: dark)').addEventListener?.('change', () => {
    if (stored()) return;
    theme.value = systemTheme();
    document.documentElement.dataset.theme = theme.value;
  });
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
