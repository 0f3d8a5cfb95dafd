import { defineEntity, p } from '@mikro-orm/core';
import { SqlExecutor } from '@act/server/database';
import { RecordedEvent } from '@act/server/event-store';
import { Projection } from './projection';

/**
 * Operational read model: how many events of each type the log holds and when the last one
 * arrived. It feeds the System status page, and is the smallest real projection: the template
 * to copy for a new one (see docs/architecture.md, "Adding a projection").
 */
export const eventTypeStatsProjection: Projection = {
  name: 'event_type_stats',
  version: 1,
  tables: ['event_type_stats'],

  async setup(tx: SqlExecutor) {
    await tx.query(`
      create table event_type_stats (
        type text primary key,
        events bigint not null,
        last_position bigint not null,
        last_recorded_at timestamptz not null
      )`);
  },

  async apply(tx: SqlExecutor, events: readonly RecordedEvent[]) {
    // One set-based statement per batch. Events at or below a type's last_position are ones
    // this table already counted, so a replayed event changes nothing.
    await tx.query(
      `with batch as (
         select * from jsonb_to_recordset($1::jsonb) as b(type text, position bigint, recorded_at timestamptz)
       ), fresh as (
         select b.* from batch b left join event_type_stats s on s.type = b.type
          where s.last_position is null or b.position > s.last_position
       )
       insert into event_type_stats (type, events, last_position, last_recorded_at)
       select type, count(*), max(position), max(recorded_at) from fresh group by type
       on conflict (type) do update set
         events = event_type_stats.events + excluded.events,
         last_position = greatest(event_type_stats.last_position, excluded.last_position),
         last_recorded_at = greatest(event_type_stats.last_recorded_at, excluded.last_recorded_at)`,
      [
        JSON.stringify(
          events.map((e) => ({ type: e.type, position: String(e.globalPosition), recorded_at: e.recordedAt.toISOString() })),
        ),
      ],
    );
  },
};

/** The read side of event_type_stats for MikroORM (a view: the ORM reads, the projection writes). */
export const EventTypeStat = defineEntity({
  name: 'EventTypeStat',
  tableName: 'event_type_stats',
  readonly: true,
  properties: {
    type: p.string().primary(),
    events: p.bigint('string'),
    lastPosition: p.bigint('string'),
    lastRecordedAt: p.datetime(),
  },
});
