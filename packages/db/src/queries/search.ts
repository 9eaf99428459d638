import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../database.js';

/**
 * The documents search.all looks in, spelled exactly as the GIN expression indexes of the journal and
 * search_indexes migrations, so that `vector @@ query` can use them.
 */
const vectors = {
  journal: sql`jsonb_to_tsvector('english'::regconfig, e.content, '["string"]'::jsonb)`,
  task: sql`(setweight(to_tsvector('english'::regconfig, t.title), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(t.notes, '')), 'B')
    || setweight(array_to_tsvector(array_remove(array_remove(t.labels, ''), null)), 'B'))`,
  project: sql`(setweight(to_tsvector('english'::regconfig, p.name), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(p.description, '')), 'B'))`,
  capture: sql`(setweight(to_tsvector('english'::regconfig, c.text), 'A')
    || setweight(to_tsvector('english'::regconfig, regexp_replace(coalesce(c.url, ''), '[^[:alnum:]]+', ' ', 'g')), 'C'))`,
  event: sql`(setweight(to_tsvector('english'::regconfig, v.title), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(v.description, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, coalesce(v.location, '')), 'C'))`,
};

/**
 * ts_rank's weights for D, C, B and A. The journal's index has no weights (everything is D), so its rank counts D
 * like a body (B): a journal entry and a task's notes that match alike rank alike, and a title (A) beats both.
 */
const JOURNAL_WEIGHTS = sql`'{0.4, 0.4, 0.4, 1.0}'::real[]`;

/**
 * A tsquery, built only from bound parameters: the prefix form (each word stemmed and prefix-matched, the last
 * word also unstemmed so that "to" finds "today"), or PostgreSQL's own websearch syntax, which never fails.
 * The caller (core's search rules) quotes the lexemes; nothing here is concatenated into SQL.
 */
export type SearchTsQuery =
  | { mode: 'websearch'; text: string }
  | { mode: 'prefix'; leading: string | null; last: string };

function tsquery(query: SearchTsQuery): RawBuilder<unknown> {
  if (query.mode === 'websearch') return sql`websearch_to_tsquery('english'::regconfig, ${query.text})`;
  const last = sql`(to_tsquery('english'::regconfig, ${query.last}) || to_tsquery('simple'::regconfig, ${query.last}))`;
  return query.leading === null ? last : sql`(to_tsquery('english'::regconfig, ${query.leading}) && ${last})`;
}

export type SearchKind = 'journal' | 'task' | 'project' | 'capture' | 'event';

export interface SearchRow {
  kind: SearchKind;
  id: string;
  /** The title with its matches marked (highlight-all), or null where the kind has no title (journal). */
  title: string | null;
  /** A headline of the body with its matches marked; empty when there is no body. */
  body: string;
  rank: number;
  /** Journal entry type, task / project / capture status. */
  detail: string | null;
  /** Entry date, task due date, project target date, an event's first day in its own zone ('YYYY-MM-DD'). */
  date: string | null;
  /** When a capture came in or an event starts. */
  at: Date | null;
  /** A task's project. */
  parentId: string | null;
  parentName: string | null;
  /** Events: part of a repeating series. */
  recurring: boolean;
}

export interface SearchOptions {
  /** At most this many rows of each kind are ranked against the others. */
  perKind: number;
  limit: number;
  markers: { start: string; stop: string };
}

/**
 * How many of each kind's matches, newest first, are ranked. The indexes are on expressions, so ranking a row means
 * computing its tsvector again (a long morning page costs most of a millisecond): a word found in thousands of
 * entries must not cost seconds while the user types. The newest matches are the likeliest wanted anyway.
 * Measured on ten years of daily 300-word pages, 10,000 tasks and 5,000 events (PostgreSQL, a loaded 2-core box):
 * a common word took 1.5–2 s ranking every match, ~300 ms with 200 candidates, ~100 ms with 50.
 */
export const SEARCH_RANK_CANDIDATES = 50;

/**
 * One statement: per kind, the newest matches (found through the kind's GIN index, scoped by user id) are ranked
 * and capped, then all are ranked together. The tsquery is written out in every branch rather than shared through
 * a CTE, so the planner sees its value and can judge from the index statistics whether a word is rare (use the GIN
 * index) or common. Headlines are computed only for the rows that survive the LIMITs (PostgreSQL postpones costly
 * select-list expressions past the sort).
 */
export async function searchAll(
  db: Kysely<DB>,
  userId: string,
  query: SearchTsQuery,
  options: SearchOptions,
): Promise<SearchRow[]> {
  const { start, stop } = options.markers;
  const bodyOptions = `StartSel="${start}", StopSel="${stop}", MaxWords=24, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "`;
  const whole = `StartSel="${start}", StopSel="${stop}", HighlightAll=true`;
  const q = tsquery(query);
  const cap = options.perKind;
  const pool = SEARCH_RANK_CANDIDATES;
  const headline = (text: RawBuilder<unknown>) =>
    sql`ts_headline('english'::regconfig, coalesce(${text}, ''), ${q}, ${bodyOptions})`;
  const marked = (text: RawBuilder<unknown>) => sql`ts_headline('english'::regconfig, ${text}, ${q}, ${whole})`;
  const date = (column: RawBuilder<unknown>) => sql`to_char(${column}, 'YYYY-MM-DD')`;

  const result = await sql<SearchRow>`
    select * from (
      (select 'journal' as kind, e.id, null::text as title,
              ${headline(
                sql`(select string_agg(s #>> '{}', ' · ') from jsonb_path_query(e.content - 'ratings', 'strict $.**') as s
                     where jsonb_typeof(s) = 'string' and s #>> '{}' <> '')`,
              )} as body,
              ts_rank(${JOURNAL_WEIGHTS}, ${vectors.journal}, ${q}) as rank,
              e.type as detail, ${date(sql`e.entry_date`)} as date, null::timestamptz as at,
              null::uuid as "parentId", null::text as "parentName", false as recurring
       from (select * from journal_entries e
             where e.user_id = ${userId} and ${vectors.journal} @@ ${q}
             order by e.entry_date desc, e.id limit ${pool}) as e
       order by rank desc, e.entry_date desc, e.id
       limit ${cap})
      union all
      (select 'task', t.id, ${marked(sql`t.title`)}, ${headline(sql`t.notes`)},
              ts_rank(${vectors.task}, ${q}) as rank,
              t.status, ${date(sql`t.due_date`)}, null::timestamptz,
              t.project_id, p.name, t.rrule is not null or t.repeat_after_days is not null
       from (select * from tasks t
             where t.user_id = ${userId} and ${vectors.task} @@ ${q}
             order by t.status = 'done', t.created_at desc, t.id limit ${pool}) as t
       left join projects p on p.user_id = t.user_id and p.id = t.project_id
       order by rank desc, t.status = 'done', t.due_date nulls last, t.id
       limit ${cap})
      union all
      (select 'project', p.id, ${marked(sql`p.name`)}, ${headline(sql`p.description`)},
              ts_rank(${vectors.project}, ${q}) as rank,
              p.status, ${date(sql`p.target_date`)}, null::timestamptz,
              null::uuid, null::text, false
       from (select * from projects p
             where p.user_id = ${userId} and ${vectors.project} @@ ${q}
             order by p.created_at desc, p.id limit ${pool}) as p
       order by rank desc, p.status = 'archived', p.created_at desc, p.id
       limit ${cap})
      union all
      (select 'capture', c.id, ${marked(sql`c.text`)}, ${headline(sql`c.url`)},
              ts_rank(${vectors.capture}, ${q}) as rank,
              c.status, null::text, c.created_at,
              null::uuid, null::text, false
       from (select * from captures c
             where c.user_id = ${userId} and ${vectors.capture} @@ ${q}
             order by c.created_at desc, c.id limit ${pool}) as c
       order by rank desc, c.created_at desc, c.id
       limit ${cap})
      union all
      (select 'event', v.id, ${marked(sql`v.title`)},
              ${headline(sql`nullif(concat_ws(' · ', nullif(v.location, ''), nullif(v.description, '')), '')`)},
              ts_rank(${vectors.event}, ${q}) as rank,
              null::text,
              ${date(sql`(case when v.all_day then v.starts_at at time zone 'UTC' else v.starts_at at time zone v.timezone end)`)},
              v.starts_at, null::uuid, null::text, v.rrule is not null or v.series_id is not null
       from (select * from events v
             where v.user_id = ${userId} and v.subscription_id is null and ${vectors.event} @@ ${q}
             order by v.starts_at desc, v.id limit ${pool}) as v
       order by rank desc, v.starts_at desc, v.id
       limit ${cap})
    ) as found
    order by rank desc, kind, id
    limit ${options.limit}`.execute(db);
  return result.rows.map((row) => ({ ...row, rank: Number(row.rank) }));
}
