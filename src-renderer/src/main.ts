/**
 * Renderer entry: start the transport, ask for the inventory's outline at once, then load and mount the app.
 *
 * Order matters: the API must exist before any store is created (stores subscribe to engine events). The
 * entry holds only the transport, so the first `inventory.outline` (api/firstInventory.ts) is on its way
 * while the page fetches and parses the app's chunk (app.ts): a large lab's navigator data is built and
 * sent in parallel with the client's own start-up instead of after it.
 */
import { startApi } from './api/client';
import { askFirstInventory } from './api/firstInventory';
import './styles/theme.css';
import './styles/base.css';

askFirstInventory(startApi());
import('./app').then((m) => m.mountApp()).catch((e: unknown) => {
  // The app's chunk could not be fetched (the server stopped, or was rebuilt and restarted): say so.
  const root = document.getElementById('app');
  if (root) root.textContent = `The lab client could not be loaded (${e instanceof Error ? e.message : String(e)}). Reload the page.`;
});
