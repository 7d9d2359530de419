/**
 * The vim25 (vSphere Web Services) endpoint: SOAP over HTTPS at `https://127.0.0.1:PORT/sdk`, so that
 * pyvmomi, govmomi/govc and other vSphere SDK clients script the lab unchanged. Everything goes through
 * the lab's contract (`labLink.ts`); nothing here reaches into the engine.
 *
 * - `startVim25({ port, peer | link, dataDir?, user?, password? })` → `{ url, port, user, password, thumbprints,
 *   service, close() }`; `password` may be a `PasswordCheck` (a stored hash), and is then not returned.
 * - `vim25Banner(endpoint)`: the one line `hvlab serve` prints.
 * - `Vim25Controller` (`endpointController.ts`): starts and stops the endpoint from the application's
 *   settings (Administration › SDK endpoint); `withVim25Settings(backend, controller)` answers the
 *   contract's `vim25.settings` and `vim25.configure` in front of the lab's backend.
 *
 * Reading order: startEndpoint → httpsServer → vimService (dispatch) → soapEnvelope / soapArgs / xmlParser → methods/* →
 * propertyCollector / waitForUpdates → vimWorld → inventoryModel / entityObjects / vmProperties /
 * hostProperties → taskMapping / eventMapping / perfCatalog → labMirror → labLink; endpointController →
 * settingsFile / passwordHash → settingsDoor.
 */
export { linkToEngine } from './labLink';
export type { LabLink, ContractPeer } from './labLink';
export { Vim25Service } from './vimService';
export { parseXml, XmlRefused } from './xmlParser';
export type { XmlElement, XmlLimits } from './xmlParser';
export { escapeAttr, escapeText } from './xmlWriter';
export { soapEnvelope, VIM25_NS } from './soapEnvelope';
export { labDataDir, certificateThumbprints } from './certificate';
export { startVim25, vim25Banner, DEFAULT_VIM25_USER } from './startEndpoint';
export type { Vim25Endpoint, Vim25Options } from './startEndpoint';
export { Vim25Controller } from './endpointController';
export type { Vim25ControllerOptions } from './endpointController';
export { withVim25Settings } from './settingsDoor';
export type { PasswordCheck } from './sessionManager';
