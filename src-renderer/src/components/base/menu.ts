/** Menu item model shared by BaseMenu and the code that builds ACTIONS menus. */
export interface MenuItem {
  key: string;
  label: string;
  icon?: string;
  disabled?: boolean;
  /** Tooltip, e.g. why an entry is disabled. */
  title?: string;
  separator?: boolean;
  testId?: string;
  children?: MenuItem[];
}
