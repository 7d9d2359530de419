/**
 * consoleBuffer — a VM's console (serial) output as the lab keeps it: an append-only text with absolute
 * offsets, bounded to the most recent CONSOLE_BUFFER_CHARS characters. It outlives the guest machine
 * (power off, reset), so the console tab still shows what the guest printed last.
 *
 * - `append(text)` → offset of the first new character; `read(fromOffset)` → text from there (clamped
 *   to what is still kept) and `nextOffset`; `save()` / `ConsoleBuffer.restore(state)`.
 */
import { CONSOLE_BUFFER_CHARS } from '../params';

export interface ConsoleState { base: number; text: string }

export class ConsoleBuffer {
  /** Absolute offset of text[0]. */
  private base = 0;
  private text = '';

  append(chunk: string): number {
    const at = this.base + this.text.length;
    this.text += chunk;
    if (this.text.length > CONSOLE_BUFFER_CHARS) {
      const drop = this.text.length - CONSOLE_BUFFER_CHARS;
      this.text = this.text.slice(drop);
      this.base += drop;
    }
    return at;
  }

  read(fromOffset: number): { text: string; nextOffset: number } {
    const end = this.base + this.text.length;
    const from = Math.min(Math.max(fromOffset, this.base), end);
    return { text: this.text.slice(from - this.base), nextOffset: end };
  }

  save(): ConsoleState {
    return { base: this.base, text: this.text };
  }

  static restore(state: ConsoleState): ConsoleBuffer {
    const c = new ConsoleBuffer();
    c.base = state.base;
    c.text = state.text;
    return c;
  }
}
