/**
 * guestParams — a guest program's parameters as its catalogue entry declares them (resources/guests/
 * guests.json `params`), so forms can offer them as fields: key, default, range, what it does.
 *
 * - `GuestParamDto` {key, default, min, max, description, words?}.
 * - `guestParamProblem(param, value)` → why a value is refused (whole number, in range), or undefined.
 *
 * Rule: ranges are the program's own where its source states one (memwrite's write_bytes 4–4096),
 * otherwise what labos can read (`VM_LIMITS.workloadParams`, 32-bit numbers); a value left out means
 * the default, which the program applies itself. The forms check them at the field and the engine again at
 * `vm.create` / `vm.reconfigure` (a typed error naming `…workloadParams.<key>`); keys a program does not
 * declare are left alone (labos itself reads some, such as the timer's tick_us).
 */
export interface GuestParamDto {
  key: string;
  default: number;
  min: number;
  max: number;
  description: string;
  /** Named values the program accepts for this key (memwrite's content: word, text, random). */
  words?: Record<string, number>;
}

export function guestParamProblem(p: GuestParamDto, value: number): string | undefined {
  if (!Number.isInteger(value)) return `${p.key} must be a whole number.`;
  if (value < p.min || value > p.max) return `${p.key} must be between ${p.min} and ${p.max}.`;
  return undefined;
}
