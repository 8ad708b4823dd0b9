-- Facts (one row per CloudEvent, primary key = CloudEvent id, so redelivery is a no-op) and the aggregates the
-- queries read. Profile ids are re-keyed in place when identity-service merges profiles, and deleted on erasure.

-- Stitched Segment events that make up paths (track, page, screen).
CREATE TABLE fact_event (
    event_id   text PRIMARY KEY,
    profile_id text        NOT NULL,
    ts         timestamptz NOT NULL,
    channel    text        NOT NULL,
    event      text        NOT NULL
);
CREATE INDEX fact_event_profile_ts ON fact_event (profile_id, ts);
CREATE INDEX fact_event_ts ON fact_event (ts);

-- Journey events (stage entries, completions, exits, stalls).
CREATE TABLE fact_journey (
    event_id   text PRIMARY KEY,
    type       text        NOT NULL,
    profile_id text        NOT NULL,
    journey_id text        NOT NULL,
    stage      text        NOT NULL,
    channel    text,
    at         timestamptz NOT NULL
);
CREATE INDEX fact_journey_profile ON fact_journey (profile_id);

-- Every journey seen on hp.journey.v1 (the funnel answers 404 for others).
CREATE TABLE journey (
    journey_id text PRIMARY KEY,
    first_seen timestamptz NOT NULL
);

-- Aggregate: the first entry of each profile into each stage, maintained as stage.entered events arrive.
CREATE TABLE stage_entry (
    journey_id text        NOT NULL,
    stage      text        NOT NULL,
    profile_id text        NOT NULL,
    first_at   timestamptz NOT NULL,
    channel    text,
    entries    integer     NOT NULL,
    PRIMARY KEY (journey_id, stage, profile_id)
);
CREATE INDEX stage_entry_time ON stage_entry (journey_id, stage, first_at);
CREATE INDEX stage_entry_profile ON stage_entry (profile_id);

-- Decisions and outcomes.
CREATE TABLE fact_decision (
    decision_id   text PRIMARY KEY,
    event_id      text        NOT NULL UNIQUE,
    profile_id    text,
    channel       text        NOT NULL,
    experiment_id text,
    variant       text,
    actions       text[]      NOT NULL,
    at            timestamptz NOT NULL
);
CREATE INDEX fact_decision_profile ON fact_decision (profile_id);

CREATE TABLE fact_suppression (
    decision_id text NOT NULL,
    action_id   text NOT NULL,
    reason      text NOT NULL,
    at          timestamptz NOT NULL,
    PRIMARY KEY (decision_id, action_id)
);

CREATE TABLE fact_outcome (
    event_id    text PRIMARY KEY,
    decision_id text        NOT NULL,
    profile_id  text,
    action_id   text        NOT NULL,
    outcome     text        NOT NULL,
    at          timestamptz NOT NULL
);
CREATE INDEX fact_outcome_decision ON fact_outcome (decision_id);
CREATE INDEX fact_outcome_profile ON fact_outcome (profile_id);

-- Aggregates: the first exposure of each profile to an experiment, and its first conversion.
CREATE TABLE experiment_exposure (
    experiment_id text        NOT NULL,
    profile_id    text        NOT NULL,
    variant       text        NOT NULL,
    first_at      timestamptz NOT NULL,
    PRIMARY KEY (experiment_id, profile_id)
);
CREATE INDEX experiment_exposure_profile ON experiment_exposure (profile_id);

CREATE TABLE experiment_conversion (
    experiment_id text        NOT NULL,
    profile_id    text        NOT NULL,
    first_at      timestamptz NOT NULL,
    PRIMARY KEY (experiment_id, profile_id)
);
CREATE INDEX experiment_conversion_profile ON experiment_conversion (profile_id);

-- Identity: merges already applied (idempotency by CloudEvent id), where merged ids now live, and erased ids whose
-- late facts are dropped.
CREATE TABLE identity_event (
    event_id text PRIMARY KEY,
    at       timestamptz NOT NULL
);
CREATE TABLE profile_alias (
    merged_id   text PRIMARY KEY,
    survivor_id text NOT NULL
);
CREATE INDEX profile_alias_survivor ON profile_alias (survivor_id);
CREATE TABLE erased_profile (
    profile_id text PRIMARY KEY,
    at         timestamptz NOT NULL
);
