/**
 * File › Open Lab… and Save As… with the desktop's own dialogs (Electron): what the renderer may ask its
 * host over IPC `hvlab:labFile`, and the reply. The page only says "open" or "save as"; Electron main shows
 * the native dialog, owns the path the user picks, and opens or saves the lab through the engine's lab
 * library (a lab is a folder there). Browser mode has no such channel: the page's own lab-library dialogs
 * ask the server by name.
 *
 * - `labFileRequestSchema` (validated by main), `LabFileRequestDto`, `LabFileResponseDto`: the lab's
 *   document after it was opened or saved, `cancelled` when the user closed the dialog, or a typed error
 *   in the user's words. No path ever crosses to the page.
 * - `LAB_FILE_CHANNEL` (IPC).
 */
import type { Infer } from './schema';
import { s } from './schema';
import type { ApiError } from './errors';
import type { LabDocumentDto } from '../model/labDocument';

export const LAB_FILE_CHANNEL = 'hvlab:labFile';

export const labFileRequestSchema = s.object({
  action: s.oneOf(['open', 'saveAs'] as const),
});
export type LabFileRequestDto = Infer<typeof labFileRequestSchema>;

export type LabFileResponseDto =
  | { ok: true; document: LabDocumentDto }
  | { ok: false; cancelled: true }
  | { ok: false; cancelled?: false; error: ApiError };
