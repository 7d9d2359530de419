/** Menu item model shared by BaseMenu and the code that builds ACTIONS menus; `K` types the keys. */
export interface MenuItem<K extends string = string> {
  key: K;
  label: string;
  icon?: string;
  disabled?: boolean;
  /** Tooltip, e.g. why an entry is disabled. */
  title?: string;
  separator?: boolean;
  testId?: string;
  children?: MenuItem<K>[];
}
