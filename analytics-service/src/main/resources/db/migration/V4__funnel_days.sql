-- The funnel's counts per UTC day, so that a funnel over weeks reads a few rows per day instead of one row per
-- profile: the profiles whose first entry into a stage fell on the day (and all their entries), and the time those
-- profiles took to enter each later stage as a histogram. The per-profile rows (stage_entry, stage_conversion) stay:
-- the partial days at the ends of a range and the breakdowns are read from them.

-- Time to convert at the resolution the funnel reports it: whole seconds below 1,000 s, three significant digits
-- above (1,806 s → 1,810 s; at most 0.5 % off). Every funnel, from these counts or from rows, uses it.
-- A ladder of decimal roundings rather than log(): numeric log() costs about 30 µs a call, and every stage entry
-- computes several buckets.
CREATE FUNCTION seconds_bucket(seconds numeric) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (CASE WHEN seconds < 1e3 THEN round(seconds)
                 WHEN seconds < 1e4 THEN round(seconds, -1)
                 WHEN seconds < 1e5 THEN round(seconds, -2)
                 WHEN seconds < 1e6 THEN round(seconds, -3)
                 WHEN seconds < 1e7 THEN round(seconds, -4)
                 WHEN seconds < 1e8 THEN round(seconds, -5)
                 ELSE round(seconds, 2 - floor(log(seconds))::integer) END)::bigint;

CREATE TABLE stage_day (
    journey_id text   NOT NULL,
    stage      text   NOT NULL,
    day        date   NOT NULL,
    profiles   bigint NOT NULL,
    entries    bigint NOT NULL,
    PRIMARY KEY (journey_id, stage, day)
);

-- Per day of the first entry into stage: how many of those profiles entered next_stage after `seconds` (a bucket).
CREATE TABLE conversion_day (
    journey_id text   NOT NULL,
    stage      text   NOT NULL,
    next_stage text   NOT NULL,
    day        date   NOT NULL,
    seconds    bigint NOT NULL,
    profiles   bigint NOT NULL,
    PRIMARY KEY (journey_id, stage, next_stage, day, seconds)
);

INSERT INTO stage_day (journey_id, stage, day, profiles, entries)
SELECT journey_id, stage, (first_at AT TIME ZONE 'UTC')::date, count(*), sum(entries)
FROM stage_entry GROUP BY 1, 2, 3;
INSERT INTO conversion_day (journey_id, stage, next_stage, day, seconds, profiles)
SELECT journey_id, stage, next_stage, (entered_at AT TIME ZONE 'UTC')::date,
       seconds_bucket(extract(epoch FROM converted_at - entered_at)), count(*)
FROM stage_conversion GROUP BY 1, 2, 3, 4, 5;
