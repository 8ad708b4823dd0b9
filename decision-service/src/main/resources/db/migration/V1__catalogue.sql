-- The action catalogue, contact policies and experiments. Definitions are stored as the JSON the API accepted,
-- so that fields added to the contract need no migration; the service validates them before they are stored.
CREATE TABLE action (
    id         VARCHAR(200) PRIMARY KEY,
    definition TEXT         NOT NULL,
    updated_at TIMESTAMPTZ  NOT NULL
);

CREATE TABLE contact_policy (
    id         VARCHAR(200) PRIMARY KEY,
    definition TEXT         NOT NULL,
    updated_at TIMESTAMPTZ  NOT NULL
);

CREATE TABLE experiment (
    id         VARCHAR(200) PRIMARY KEY,
    definition TEXT         NOT NULL,
    updated_at TIMESTAMPTZ  NOT NULL
);
