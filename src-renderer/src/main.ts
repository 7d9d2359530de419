/**
 * Renderer entry: pick the transport, start the router, mount the app with Pinia.
 * Order matters: the API must exist before any store is created (stores subscribe to engine events).
 */
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { startApi } from './api/client';
import { startRouter } from './router';
import { applyStoredTheme } from './composables/useTheme';
import './styles/theme.css';
import './styles/base.css';

applyStoredTheme();
startApi();
startRouter();
createApp(App).use(createPinia()).mount('#app');
