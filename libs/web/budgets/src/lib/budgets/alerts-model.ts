import type { EvaluationResultDto } from '../data-access/budget-types';

const SKIPPED: Record<string, string> = {
  rebuild: 'a projection is being rebuilt',
  recompute: 'costs are being recomputed',
  'read-models-behind': 'the read models are still catching up',
};

/** What "Check now" did, in a sentence. */
export function evaluationSummary(result: EvaluationResultDto): string {
  if (result.skipped) return `Not checked: ${SKIPPED[result.skipped] ?? result.skipped}. Try again in a moment.`;
  const raised = result.raised === 1 ? '1 alert raised' : `${result.raised} alerts raised`;
  const resolved = result.resolved === 1 ? '1 resolved' : `${result.resolved} resolved`;
  return `Checked: ${raised}, ${resolved}.`;
}

export interface SensitivityOption {
  value: string;
  label: string;
}

const NAMED: SensitivityOption[] = [
  { value: 'high', label: 'High: flags more (score ≥ 2.5)' },
  { value: 'medium', label: 'Medium (score ≥ 3.5)' },
  { value: 'low', label: 'Low: only the clearest (score ≥ 5)' },
];

/** The three named levels, plus the current custom threshold when the API set a number. */
export function sensitivityOptions(current: string): SensitivityOption[] {
  return NAMED.some((option) => option.value === current) ? NAMED : [...NAMED, { value: current, label: `Custom (score ≥ ${current})` }];
}
