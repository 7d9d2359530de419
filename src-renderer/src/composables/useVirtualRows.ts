/**
 * useVirtualRows(container, count, rowHeight): windowing for long lists and tables (2,000-VM labs).
 * Returns the visible index range plus top/bottom spacer heights; only those rows are rendered.
 *
 * Rule: fixed row height; `overscan` rows above and below keep scrolling smooth.
 */
import { computed, onBeforeUnmount, onMounted, ref } from 'vue';
import type { Ref } from 'vue';

export function useVirtualRows(container: Ref<HTMLElement | null>, count: Ref<number>, rowHeight: number, overscan = 10) {
  const scrollTop = ref(0);
  const height = ref(600);
  let ro: ResizeObserver | null = null;

  const onScroll = (): void => {
    scrollTop.value = container.value?.scrollTop ?? 0;
  };

  onMounted(() => {
    const el = container.value;
    if (!el) return;
    height.value = el.clientHeight || 600;
    el.addEventListener('scroll', onScroll, { passive: true });
    if (typeof ResizeObserver !== 'undefined') {
      ro = new ResizeObserver(() => {
        height.value = el.clientHeight || height.value;
      });
      ro.observe(el);
    }
  });
  onBeforeUnmount(() => {
    container.value?.removeEventListener('scroll', onScroll);
    ro?.disconnect();
  });

  const start = computed(() => Math.max(0, Math.floor(scrollTop.value / rowHeight) - overscan));
  const end = computed(() => Math.min(count.value, Math.ceil((scrollTop.value + height.value) / rowHeight) + overscan));
  const padTop = computed(() => start.value * rowHeight);
  const padBottom = computed(() => Math.max(0, (count.value - end.value) * rowHeight));

  /** Scrolls so that row `index` is visible. */
  function ensureVisible(index: number): void {
    const el = container.value;
    if (!el) return;
    const top = index * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + rowHeight - el.clientHeight;
    onScroll();
  }

  return { start, end, padTop, padBottom, ensureVisible, onScroll };
}
