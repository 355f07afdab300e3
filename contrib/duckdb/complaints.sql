-- contrib/duckdb/complaints.sql - the month's complaint statistics of
-- SPEC 2.1, office by office, straight from the books: the same
-- definitions as `pm-report complaints --month M`.  group.mjs defines
-- the views it reads (every live book and gzip volume of each office):
--   reg(dir, seq, "at", code, kind, importance, category, requested_by)
--   ev(dir, seq, "at", code, step, valid, importance, "until")
--   conf(dir, office, households)
-- and the variable month ('2026-11').  Every column is text, as written;
-- "at" and "by" are SQL words and must be quoted.
--   vis(dir, seq, "at", event, ref, type, satisfaction, verdict)
-- It gives total, by importance and by problem code, handled, timely,
-- reviewed and valid, open carried, requests and households, each
-- request type's answered and on time (request_types), and the
-- return visits of the complaints handled in the month (SPEC 2.4): each
-- handling is due a visit; a visit sheet (record, review) belongs to the
-- latest handling before it; a complaint is visited when a handling of
-- the month was, judged by the last of them.
WITH bounds AS (
  SELECT CAST(getvariable('month') || '-01' AS TIMESTAMP) AS m_from,
         CAST(getvariable('month') || '-01' AS TIMESTAMP) + INTERVAL 1 MONTH AS m_to
),
r AS (   -- a registration, once (a volume and the live book never share a row)
  SELECT DISTINCT dir, code, kind, importance, category,
         CAST("at" AS TIMESTAMP) AS registered,
         CAST(NULLIF(requested_by, '') AS TIMESTAMP) AS requested_by
  FROM reg
),
e AS (
  SELECT DISTINCT dir, CAST(seq AS BIGINT) AS seq, code, step, valid,
         importance, CAST("at" AS TIMESTAMP) AS t,
         CAST(NULLIF("until", '') AS TIMESTAMP) AS until
  FROM ev
),
reopened AS (   -- a failed visit opens it again, with fresh deadlines
  SELECT dir, code, max(seq) AS seq, arg_max(t, seq) AS t
  FROM e WHERE step = 'reopen' GROUP BY dir, code
),
since AS (      -- the events since the last reopening: the open matter's
  SELECT e.* FROM e LEFT JOIN reopened o USING (dir, code)
  WHERE o.seq IS NULL OR e.seq > o.seq
),
reviewed AS (   -- the last review: valid or not, and a new importance
  SELECT dir, code, arg_max(valid, seq) AS valid,
         arg_max(importance, seq) FILTER (importance <> '') AS importance
  FROM e WHERE step = 'review' GROUP BY dir, code
),
open_steps AS (
  SELECT dir, code,
         arg_max(t, seq) FILTER (step = 'resolve') AS resolved,
         arg_max(until, seq) FILTER (step = 'extend') AS until,
         min(t) FILTER (step = 'reply') AS replied,
         arg_max(t, seq) FILTER (step = 'notify') AS notified
  FROM since GROUP BY dir, code
),
state AS (
  SELECT r.dir, r.code, r.kind, r.category,
         coalesce(v.importance, r.importance) AS importance, v.valid,
         r.registered, r.requested_by,
         coalesce(o.t, r.registered) AS started, s.resolved, s.until,
         s.replied, s.notified,
         -- a request's type is written where a complaint's importance is
         CASE WHEN r.importance IN ('suggestion', 'help', 'repair')
              THEN r.importance ELSE 'inquiry' END AS rq_type
  FROM r LEFT JOIN reopened o USING (dir, code)
         LEFT JOIN reviewed v USING (dir, code)
         LEFT JOIN open_steps s USING (dir, code)
),
handlings AS (  -- every handling of a complaint, each due a visit
  SELECT e.dir, e.code, e.t AS h_t
  FROM e JOIN r USING (dir, code)
  WHERE e.step = 'resolve' AND r.kind = 'complaint'
),
sheets AS (     -- the visit rows, each under the latest handling before it
  SELECT v.dir, v.code, h.h_t, v.seq, v.event, v.satisfaction, v.verdict
  FROM (SELECT dir, ref AS code, CAST(seq AS BIGINT) AS seq,
               CAST("at" AS TIMESTAMP) AS t, event, satisfaction, verdict
        FROM vis WHERE type = 'complaint'
          AND event IN ('record', 'review')) v
  ASOF JOIN handlings h ON v.dir = h.dir AND v.code = h.code AND v.t >= h.h_t
),
sheet AS (
  SELECT dir, code, h_t, bool_or(event = 'record') AS recorded,
         arg_max(satisfaction, seq) FILTER (event = 'record') AS satisfaction,
         arg_max(verdict, seq) FILTER (event = 'review') AS verdict
  FROM sheets GROUP BY dir, code, h_t
),
visited AS (    -- a complaint of the month: its last visited handling
  SELECT h.dir, h.code,
         bool_or(coalesce(s.recorded, false)) AS visited,
         arg_max(s.satisfaction, h.h_t) FILTER (s.recorded) AS satisfaction,
         arg_max(s.verdict, h.h_t) FILTER (s.recorded) AS verdict
  FROM handlings h LEFT JOIN sheet s USING (dir, code, h_t), bounds
  WHERE h.h_t >= m_from AND h.h_t < m_to
  GROUP BY h.dir, h.code
),
visits AS (
  SELECT dir, count(*) AS visits_due, count(*) FILTER (visited) AS visited,
         count(*) FILTER (visited AND satisfaction = 'satisfied') AS satisfied,
         count(*) FILTER (visited AND coalesce(verdict, '') <> '') AS reviewed_visits,
         count(*) FILTER (visited AND verdict = 'pass') AS passed
  FROM visited GROUP BY dir
),
judged AS (     -- the handling deadline: A 10 days, B 3, C 2 or as asked
  SELECT *, coalesce(until, CASE
      WHEN importance = 'A' THEN started + INTERVAL 10 DAY
      WHEN importance = 'B' THEN started + INTERVAL 3 DAY
      ELSE coalesce(requested_by, started + INTERVAL 2 DAY) END) AS due,
    -- a request's service standard: met by what, due when ("that day":
    -- before its midnight), the agreed time replacing all but repair's
    CASE rq_type WHEN 'repair' THEN notified WHEN 'help' THEN resolved
         ELSE replied END AS rq_met,
    CASE rq_type
      WHEN 'suggestion' THEN coalesce(requested_by, started + INTERVAL 3 DAY)
      WHEN 'repair' THEN date_trunc('day', resolved) + INTERVAL 1 DAY
      ELSE coalesce(requested_by, date_trunc('day', started) + INTERVAL 1 DAY)
    END AS rq_due
  FROM state
)
SELECT c.office,
  count(*) FILTER (kind = 'complaint' AND registered >= m_from AND registered < m_to) AS total,
  count(*) FILTER (kind = 'complaint' AND registered >= m_from AND registered < m_to AND importance = 'A') AS importance_a,
  count(*) FILTER (kind = 'complaint' AND registered >= m_from AND registered < m_to AND importance = 'B') AS importance_b,
  count(*) FILTER (kind = 'complaint' AND registered >= m_from AND registered < m_to AND importance = 'C') AS importance_c,
  count(*) FILTER (kind = 'complaint' AND registered >= m_from AND registered < m_to AND category = 'KF') AS category_kf,
  count(*) FILTER (kind = 'complaint' AND registered >= m_from AND registered < m_to AND category = 'ZX') AS category_zx,
  count(*) FILTER (kind = 'complaint' AND registered >= m_from AND registered < m_to AND category = 'GC') AS category_gc,
  count(*) FILTER (kind = 'complaint' AND registered >= m_from AND registered < m_to AND category = 'BJ') AS category_bj,
  count(*) FILTER (kind = 'complaint' AND registered >= m_from AND registered < m_to AND category = 'YY') AS category_yy,
  count(*) FILTER (kind = 'complaint' AND registered >= m_from AND registered < m_to AND category = 'QT') AS category_qt,
  count(*) FILTER (kind = 'complaint' AND resolved >= m_from AND resolved < m_to) AS handled,
  count(*) FILTER (kind = 'complaint' AND resolved >= m_from AND resolved < m_to AND resolved <= due) AS timely,
  count(*) FILTER (kind = 'complaint' AND resolved >= m_from AND resolved < m_to AND valid <> '') AS reviewed,
  count(*) FILTER (kind = 'complaint' AND resolved >= m_from AND resolved < m_to AND valid = 'yes') AS valid,
  count(*) FILTER (kind = 'complaint' AND registered < m_to AND (resolved IS NULL OR resolved >= m_to)) AS open_carried,
  count(*) FILTER (kind = 'request' AND registered >= m_from AND registered < m_to) AS requests,
  count(*) FILTER (kind = 'request' AND registered >= m_from AND registered < m_to AND rq_type = 'inquiry') AS inquiry_registered,
  count(*) FILTER (kind = 'request' AND registered >= m_from AND registered < m_to AND rq_type = 'inquiry' AND rq_met < m_to) AS inquiry_answered,
  count(*) FILTER (kind = 'request' AND registered >= m_from AND registered < m_to AND rq_type = 'inquiry' AND rq_met < m_to AND rq_met <= rq_due) AS inquiry_on_time,
  count(*) FILTER (kind = 'request' AND registered >= m_from AND registered < m_to AND rq_type = 'suggestion') AS suggestion_registered,
  count(*) FILTER (kind = 'request' AND registered >= m_from AND registered < m_to AND rq_type = 'suggestion' AND rq_met < m_to) AS suggestion_answered,
  count(*) FILTER (kind = 'request' AND registered >= m_from AND registered < m_to AND rq_type = 'suggestion' AND rq_met < m_to AND rq_met <= rq_due) AS suggestion_on_time,
  count(*) FILTER (kind = 'request' AND registered >= m_from AND registered < m_to AND rq_type = 'help') AS help_registered,
  count(*) FILTER (kind = 'request' AND registered >= m_from AND registered < m_to AND rq_type = 'help' AND rq_met < m_to) AS help_answered,
  count(*) FILTER (kind = 'request' AND registered >= m_from AND registered < m_to AND rq_type = 'help' AND rq_met < m_to AND rq_met <= rq_due) AS help_on_time,
  count(*) FILTER (kind = 'request' AND registered >= m_from AND registered < m_to AND rq_type = 'repair') AS repair_registered,
  count(*) FILTER (kind = 'request' AND registered >= m_from AND registered < m_to AND rq_type = 'repair' AND rq_met < m_to) AS repair_answered,
  count(*) FILTER (kind = 'request' AND registered >= m_from AND registered < m_to AND rq_type = 'repair' AND rq_met < m_to AND rq_met <= rq_due) AS repair_on_time,
  CAST(c.households AS BIGINT) AS households,
  coalesce(any_value(vs.visits_due), 0) AS visits_due,
  coalesce(any_value(vs.visited), 0) AS visits_visited,
  coalesce(any_value(vs.satisfied), 0) AS visits_satisfied,
  coalesce(any_value(vs.reviewed_visits), 0) AS visits_reviewed,
  coalesce(any_value(vs.passed), 0) AS visits_passed
FROM judged j JOIN conf c USING (dir) LEFT JOIN visits vs USING (dir), bounds
GROUP BY c.office, c.households
ORDER BY c.office;
