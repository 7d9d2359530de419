// @vitest-environment happy-dom
// Object tabs with the keyboard (WAI-ARIA tabs): ←/→ move selection AND focus together to the next tab in
// the order shown, without wrapping early or skipping, also after the tab list changed (host → cluster).
import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { defineComponent, h, nextTick, ref } from 'vue';
import BaseTabs from '@renderer/components/base/BaseTabs.vue';
import { TABS } from '@renderer/router';

const Harness = defineComponent({
  props: { kind: { type: String, required: true } },
  setup(props) {
    const tab = ref('summary');
    return () => h(BaseTabs, {
      tabs: TABS[props.kind as 'host' | 'cluster'], modelValue: tab.value, label: 'Object tabs',
      'onUpdate:modelValue': (k: string) => { tab.value = k; },
    });
  },
});

async function press(key: string): Promise<void> {
  (document.activeElement as HTMLElement).dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
  await nextTick();
  await nextTick();
}

const selected = (w: ReturnType<typeof mount>) => w.find('[aria-selected="true"]').attributes('data-testid');
const focused = () => (document.activeElement as HTMLElement | null)?.dataset.testid;

describe('BaseTabs keyboard', () => {
  it('on a cluster reached from a host, → walks every tab in order with focus on the selected one; ← walks back', async () => {
    const w = mount(Harness, { props: { kind: 'host' }, attachTo: document.body });
    await w.setProps({ kind: 'cluster' });
    (w.find('[data-testid="tab-summary"]').element as HTMLElement).focus();
    const seen: [string | undefined, string | undefined][] = [];
    for (let i = 0; i < 4; i++) {
      await press('ArrowRight');
      seen.push([selected(w), focused()]);
    }
    expect(seen).toEqual([
      ['tab-monitor', 'tab-monitor'], ['tab-configure', 'tab-configure'], ['tab-hosts', 'tab-hosts'], ['tab-vms', 'tab-vms'],
    ]);
    await press('ArrowLeft');
    expect([selected(w), focused()]).toEqual(['tab-hosts', 'tab-hosts']);
    await w.setProps({ kind: 'host' });
    (w.find('[data-testid="tab-configure"]').element as HTMLElement).focus();
    await w.find('[data-testid="tab-configure"]').trigger('click');
    await press('ArrowLeft');
    expect([selected(w), focused()]).toEqual(['tab-monitor', 'tab-monitor']);
    w.unmount();
  });
});
