import { Color, ScaleType } from '@swimlane/ngx-charts';
import { CHART_COLORS } from './chart-data';

export const CHART_SCHEME: Color = {
  name: 'act',
  selectable: true,
  group: ScaleType.Ordinal,
  domain: [...CHART_COLORS],
};
