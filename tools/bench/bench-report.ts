/* Number formatting, percentiles and the docs/benchmarks.md section of `npm run bench`. */

export const fmt = (n: number): string => Math.round(n).toLocaleString('en');

export function median(values: readonly number[]): number {
  return pct(values, 50);
}

/** Nearest-rank percentile. */
export function pct(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function ratio(r: number, label = ''): string {
  return `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×${label ? ` ${label}` : ''}`;
}

export function machineLine(pgVersion: string, cores: number, memory: number, load: number): string {
  return `${cores} cores, ${(memory / 2 ** 30).toFixed(0)} GiB memory, PostgreSQL ${pgVersion} (local, default settings), Node ${process.version}; load average ${load.toFixed(1)} at the end (shared machine)`;
}

export function section(s: {
  title: string;
  command: string;
  machine: string;
  sizes: Record<string, number>;
  elapsedSeconds: number;
  table: string;
  notes: readonly string[];
}): string {
  return [
    `### ${s.title}`,
    '',
    `Command: \`${s.command}\` — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${s.elapsedSeconds.toFixed(0)} s in all.`,
    `Machine: ${s.machine}.`,
    `Sizes: ${Object.entries(s.sizes).map(([k, v]) => `${k} ${v.toLocaleString('en')}`).join(', ')}.`,
    '',
    s.table,
    '',
    ...s.notes.map((n) => `- ${n}`),
  ].join('\n');
}
