/** Line descriptions shared by the chart, its legend and the panels that build them. */
export interface ChartLine {
  counter: string;
  label: string;
  unit: string;
  color: string;
}

export interface LegendLine extends ChartLine {
  rollup: string;
}

/** Colour per line, in order (readable on light and dark panels). */
export const CHART_COLORS = ['#0079b8', '#e8770e', '#2f8400', '#c92100', '#8939ad', '#00a1b0', '#c2a100', '#6b7c8a'];
