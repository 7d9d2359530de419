/**
 * The client application: theme, router, Pinia and the App component, mounted into #app. Loaded by the
 * entry (main.ts) as a chunk of its own, after the transport is up and the first inventory is asked for.
 */
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { startRouter } from './router';
import { applyStoredTheme } from './composables/useTheme';

export function mountApp(): void {
  applyStoredTheme();
  startRouter();
  createApp(App).use(createPinia()).mount('#app');
}
