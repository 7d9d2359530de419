/**
 * Contract identity shared by every transport: the API version and the channel names.
 *
 * Rule: bump API_VERSION whenever a command, query, event or DTO changes incompatibly; the contract
 * test pins a hash of the schemas so an unannounced change fails CI.
 */

export const API_VERSION = 2;

/** Electron IPC channels: the preload only forwards channels with this prefix. */
export const IPC_PREFIX = 'hvlab:';
export const IPC_REQUEST = `${IPC_PREFIX}request`;
export const IPC_EVENT = `${IPC_PREFIX}event`;

/** Browser-mode WebSocket path; the token goes in the `token` query parameter. */
export const WS_PATH = '/api/ws';
