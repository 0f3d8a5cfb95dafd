/**
 * Ready-shaped chart input. `value` is a float for drawing only; `display` is the exact figure,
 * formatted from the decimal string, which the tooltips show.
 */
export interface ChartItem {
  name: string;
  value: number;
  extra: { display: string };
}

export interface ChartGroup {
  name: string;
  series: ChartItem[];
}

/** Distinct on light and dark surfaces, in the order groups are drawn. */
export const CHART_COLORS: readonly string[] = [
  '#3f6fd8',
  '#e07b24',
  '#2e9e6a',
  '#a24bc9',
  '#d8434b',
  '#1f9fb8',
  '#c4a016',
  '#6b7a8f',
  '#e05fa4',
  '#5b5fd6',
];

const AXIS = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', notation: 'compact', maximumSignificantDigits: 3 });

/** Axis ticks only (floats from the chart's scale): `$0`, `$10`, `$1.5K`. */
export function axisMoney(value: number): string {
  return AXIS.format(value);
}
