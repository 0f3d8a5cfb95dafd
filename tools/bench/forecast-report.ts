/* Shared output helpers of the forecast and anomaly benchmarks: Markdown tables, machine line, doc sections. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

export function table(header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string {
  const line = (cells: ReadonlyArray<string>) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

/** CPU time of this process so far, worker threads included (user + system). */
export function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

export function machine(): string {
  const cores = cpus();
  const load = loadavg()[0];
  return `${cores.length} cores (${cores[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB memory, Node ${process.version}, load average ${load.toFixed(1)} at the end`;
}

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->` in a Markdown file (appends the section if absent). */
export function replaceSection(path: string, name: string, body: string): void {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  const section = `${start}\n${body}\n${end}`;
  const next = from >= 0 && to > from ? text.slice(0, from) + section + text.slice(to + end.length) : `${text}${text.endsWith('\n') || !text ? '' : '\n'}\n${section}\n`;
  writeFileSync(path, next);
  console.log(`\nWrote the ${name} section of ${path}.`);
}
