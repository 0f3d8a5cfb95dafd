/** Bigint positions travel as decimal strings: JSON numbers lose precision past 2^53. */
export type Position = string;

export interface ProjectionStatusDto {
  name: string;
  /** Version readers currently see. */
  activeVersion: number;
  /** Last global position applied to the active version. */
  checkpoint: Position;
  /** head − checkpoint: how many positions the active version is behind. */
  lag: Position;
  /** Why the active version is stuck, while its handler fails; null when healthy. */
  lastError: string | null;
  /** A rebuild in progress, if any. */
  rebuild: ProjectionRebuildDto | null;
}

export interface ProjectionRebuildDto {
  version: number;
  checkpoint: Position;
  /** Head position when the rebuild was observed. */
  target: Position;
  /** 0..1, checkpoint / head at the time of the request. */
  progress: number;
  startedAt: string;
}

export interface HealthResponse {
  status: 'ok' | 'degraded';
  version: string;
  uptimeSeconds: number;
  database: { driver: 'pglite' | 'postgresql'; ok: boolean };
  /** The event log (PostgreSQL or KurrentDB): `ok` false and no head when it does not answer. */
  eventStore: { ok: boolean; headPosition: Position | null };
  projections: ProjectionStatusDto[];
}
