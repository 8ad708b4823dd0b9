-- The configured share of each experiment variant, as the decision log states it with every assignment: the
-- expected split of the sample-ratio check when the caller gives no allocation. Not about any profile.
CREATE TABLE experiment_allocation (
    experiment_id text             NOT NULL,
    variant       text             NOT NULL,
    share         double precision NOT NULL CHECK (share >= 0 AND share <= 1),
    at            timestamptz      NOT NULL,
    PRIMARY KEY (experiment_id, variant)
);
