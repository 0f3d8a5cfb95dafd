/** Compact, human-scale uptime: the two most significant units are enough. */
export function formatUptime(totalSeconds: number): string {
  if (!Number.isFinite(totalSeconds) || totalSeconds < 0) {
    return '—';
  }
  const seconds = Math.floor(totalSeconds);
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  const secs = seconds % 60;
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes} min`;
  if (minutes > 0) return `${minutes} min ${secs} s`;
  return `${secs} s`;
}

/**
 * Positions are decimal strings because they can exceed 2^53; BigInt keeps
 * them exact while adding digit grouping. Anything unparsable is shown as-is
 * rather than hidden.
 */
export function formatPosition(position: string): string {
  try {
    return BigInt(position).toLocaleString('en-US');
  } catch {
    return position;
  }
}

export function formatPercent(fraction: number): string {
  const clamped = Math.min(1, Math.max(0, fraction));
  return `${Math.floor(clamped * 100)} %`;
}
