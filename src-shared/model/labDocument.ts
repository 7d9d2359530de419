/**
 * Labs as documents: the lab open in the engine has a name (once saved) and is clean or has unsaved
 * changes; saved labs live in a lab library (a folder the host chooses, never a path from the page).
 *
 * - `LAB_NAME_RULE` / `checkLabName(name)`: what a saved lab may be called (also its folder name, so no
 *   separators, no leading dot or space, no trailing dot or space: portable to Windows, macOS and Linux).
 * - `LabDocumentDto`: the open lab — `name` (null until saved or opened), its scenario's name and title,
 *   `dirty` (the lab changed since it was created, opened or saved).
 * - `SavedLabDto`: one entry of the library (newest save first is the "recent labs" order).
 */

/** 1–64 characters: letters, digits, space, `_`, `-`, `.`; starts with a letter or digit; ends with no dot or space. */
export const LAB_NAME_RULE = /^[A-Za-z0-9](?:[A-Za-z0-9 _.-]{0,62}[A-Za-z0-9_-])?$/;
export const LAB_NAME_MAX = 64;

/** Why `name` cannot name a saved lab, in the user's words; null when it can. */
export function checkLabName(name: string): string | null {
  if (name.length === 0) return 'Enter a name for the lab.';
  if (name.length > LAB_NAME_MAX) return `A lab name has at most ${LAB_NAME_MAX} characters.`;
  if (!LAB_NAME_RULE.test(name)) return 'Use letters, digits, spaces, "_", "-" and "."; start with a letter or digit and end with no dot or space.';
  return null;
}

export interface LabDocumentDto {
  /** Name in the lab library; null for a lab made from a scenario and not saved yet ("Untitled"). */
  name: string | null;
  /** The built-in scenario the lab started from, and its title. */
  scenario: string;
  title: string;
  /** True when the lab changed (commands, virtual time) since it was created, opened or saved. */
  dirty: boolean;
}

export interface SavedLabDto {
  name: string;
  scenario: string;
  /** Virtual time of the lab when it was saved. */
  virtualTimeMs: number;
  /** Wall-clock time of the save (ISO 8601), as the library recorded it. */
  savedAt: string;
}
