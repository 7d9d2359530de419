/**
 * useFocusTrap(container, onEscape): keeps Tab / Shift+Tab inside a dialog, closes it on Escape, moves
 * focus into it on mount and back to the previously focused element on unmount.
 */
import { onBeforeUnmount, onMounted, nextTick } from 'vue';
import type { Ref } from 'vue';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function useFocusTrap(container: Ref<HTMLElement | null>, onEscape: () => void): void {
  let previous: HTMLElement | null = null;

  function onKey(e: KeyboardEvent): void {
    const root = container.value;
    if (!root) return;
    if (e.key === 'Escape') {
      e.stopPropagation();
      e.preventDefault();
      onEscape();
      return;
    }
    if (e.key !== 'Tab') return;
    const items = [...root.querySelectorAll<HTMLElement>(FOCUSABLE)];
    if (!items.length) {
      e.preventDefault();
      return;
    }
    const first = items[0];
    const last = items[items.length - 1];
    const active = document.activeElement as HTMLElement | null;
    if (e.shiftKey && (active === first || !root.contains(active))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !root.contains(active))) {
      e.preventDefault();
      first.focus();
    }
  }

  onMounted(async () => {
    previous = document.activeElement as HTMLElement | null;
    await nextTick();
    const root = container.value;
    if (!root) return;
    root.addEventListener('keydown', onKey);
    const auto = root.querySelector<HTMLElement>('[autofocus], [data-autofocus]');
    (auto ?? root.querySelector<HTMLElement>(FOCUSABLE) ?? root).focus();
  });
  onBeforeUnmount(() => {
    container.value?.removeEventListener('keydown', onKey);
    if (previous && document.contains(previous)) previous.focus();
  });
}
