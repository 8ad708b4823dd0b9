-- Decision performance, segment membership, monthly partitions of the path facts, and the incremental aggregates
-- the funnel and the Sankey read instead of raw facts. The aggregates start empty: the service rebuilds them from the
-- facts at start (AggregateRebuild) and keeps them up to date as facts arrive.

-- Decision performance: the kind of each suppression (service-issue, frustration, consent, ...) is kept with it,
-- and decisions are read by time.
ALTER TABLE fact_suppression ADD COLUMN kind text;
UPDATE fact_suppression SET kind = CASE
    WHEN reason LIKE 'open service issue%' THEN 'service-issue'
    WHEN reason LIKE 'frustration%' THEN 'frustration'
    WHEN reason LIKE 'marketing consent%' THEN 'consent'
    WHEN reason LIKE 'recently bought%' THEN 'recent-purchase'
    WHEN reason LIKE 'contact policy%' THEN 'contact-policy'
    ELSE coalesce(nullif(left(lower(split_part(btrim(reason), ' ', 1)), 64), ''), 'unspecified') END;
ALTER TABLE fact_suppression ALTER COLUMN kind SET NOT NULL;
CREATE INDEX fact_decision_at ON fact_decision (at);
CREATE INDEX fact_suppression_at ON fact_suppression (at);

-- Segment membership changes from hp.journey.v1 (segment.changed), for the funnel's segment breakdown.
CREATE TABLE fact_segment (
    event_id   text PRIMARY KEY,
    profile_id text        NOT NULL,
    segment_id text        NOT NULL,
    entered    boolean     NOT NULL,
    at         timestamptz NOT NULL
);
CREATE INDEX fact_segment_profile ON fact_segment (profile_id, segment_id, at);

-- Path facts partitioned by month of ts (PostgreSQL declarative partitioning). Partitions are created on demand by
-- the service (fact_event_YYYY_MM); a redelivered event has the same ts, so (event_id, ts) keeps writes idempotent.
ALTER TABLE fact_event RENAME TO fact_event_v1;
ALTER INDEX fact_event_pkey RENAME TO fact_event_v1_pkey;
ALTER INDEX fact_event_profile_ts RENAME TO fact_event_v1_profile_ts;
ALTER INDEX fact_event_ts RENAME TO fact_event_v1_ts;
CREATE TABLE fact_event (
    event_id   text        NOT NULL,
    profile_id text        NOT NULL,
    ts         timestamptz NOT NULL,
    channel    text        NOT NULL,
    event      text        NOT NULL,
    PRIMARY KEY (event_id, ts)
) PARTITION BY RANGE (ts);
CREATE INDEX fact_event_profile_ts ON fact_event (profile_id, ts);
DO $$
DECLARE
    m timestamp;
BEGIN
    FOR m IN SELECT DISTINCT date_trunc('month', ts AT TIME ZONE 'UTC') FROM fact_event_v1 LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF fact_event FOR VALUES FROM (%L) TO (%L)',
                       'fact_event_' || to_char(m, 'YYYY_MM'), to_char(m, 'YYYY-MM-DD') || ' 00:00:00+00',
                       to_char(m + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00');
    END LOOP;
END
$$;
INSERT INTO fact_event SELECT event_id, profile_id, ts, channel, event FROM fact_event_v1;
DROP TABLE fact_event_v1;

-- Aggregate: which journeys each profile entered (the Sankey's journey filter and per-journey path counts).
CREATE TABLE journey_profile (
    journey_id text NOT NULL,
    profile_id text NOT NULL,
    PRIMARY KEY (journey_id, profile_id)
);
CREATE INDEX journey_profile_profile ON journey_profile (profile_id);

-- Aggregate: stage-to-stage conversions with time to convert, for every pair of stages a profile entered in that
-- order (first entries); the funnel reads one index range per stage instead of joining entries.
CREATE TABLE stage_conversion (
    journey_id   text        NOT NULL,
    stage        text        NOT NULL,
    next_stage   text        NOT NULL,
    profile_id   text        NOT NULL,
    entered_at   timestamptz NOT NULL,
    converted_at timestamptz NOT NULL,
    PRIMARY KEY (journey_id, stage, next_stage, profile_id)
);
CREATE INDEX stage_conversion_time ON stage_conversion (journey_id, stage, next_stage, entered_at);
CREATE INDEX stage_conversion_profile ON stage_conversion (profile_id);

-- Aggregate: per journey and stage, the profiles that entered it and the sum of the stage's rank in each profile's
-- order of first entries (the funnel's default stage order is by average rank).
CREATE TABLE journey_stage (
    journey_id text   NOT NULL,
    stage      text   NOT NULL,
    profiles   bigint NOT NULL,
    rank_sum   bigint NOT NULL,
    PRIMARY KEY (journey_id, stage)
);

-- Aggregate: each profile's path, its steps collapsed into runs of the same channel and event (first time of each
-- run), in (ts, event_id) order. The last step's time and id tell whether a new fact extends the path in order.
CREATE TABLE profile_path (
    profile_id    text PRIMARY KEY,
    start_at      timestamptz,
    first_channel text,
    last_at       timestamptz,
    last_event_id text,
    channels      text[]        NOT NULL DEFAULT '{}',
    events        text[]        NOT NULL DEFAULT '{}',
    run_at        timestamptz[] NOT NULL DEFAULT '{}'
);
CREATE INDEX profile_path_start ON profile_path (start_at);

-- Aggregates: Sankey node and link counts by position of each profile's path (its first ten steps per label kind),
-- per UTC day the path started, for all profiles (journey_id '') and per journey the profile entered.
CREATE TABLE path_node (
    journey_id text     NOT NULL,
    label_kind text     NOT NULL,
    day        date     NOT NULL,
    pos        smallint NOT NULL,
    label      text     NOT NULL,
    profiles   bigint   NOT NULL,
    PRIMARY KEY (journey_id, label_kind, day, pos, label)
);
CREATE TABLE path_link (
    journey_id text     NOT NULL,
    label_kind text     NOT NULL,
    day        date     NOT NULL,
    pos        smallint NOT NULL,
    source     text     NOT NULL,
    target     text     NOT NULL,
    profiles   bigint   NOT NULL,
    PRIMARY KEY (journey_id, label_kind, day, pos, source, target)
);

-- Which generation of the path aggregates has been built from the facts (AggregateRebuild, at start).
CREATE TABLE aggregate_state (
    name       text PRIMARY KEY,
    version    integer     NOT NULL,
    updated_at timestamptz NOT NULL
);
INSERT INTO aggregate_state (name, version, updated_at) VALUES ('paths', 0, now());

-- The journey aggregates follow from the stage entries alone: built here.
INSERT INTO journey_profile (journey_id, profile_id) SELECT DISTINCT journey_id, profile_id FROM stage_entry;
INSERT INTO stage_conversion (journey_id, stage, next_stage, profile_id, entered_at, converted_at)
SELECT e.journey_id, e.stage, n.stage, e.profile_id, e.first_at, n.first_at
FROM stage_entry e JOIN stage_entry n ON n.journey_id = e.journey_id AND n.profile_id = e.profile_id
     AND n.stage <> e.stage AND n.first_at >= e.first_at;
INSERT INTO journey_stage (journey_id, stage, profiles, rank_sum)
SELECT journey_id, stage, count(*), sum(r)
FROM (SELECT journey_id, stage, rank() OVER (PARTITION BY journey_id, profile_id ORDER BY first_at) AS r FROM stage_entry) x
GROUP BY journey_id, stage;
