-- The identity graph of identity-service (schema "identity"). See docs: ALGORITHMS.md "Identity resolution".

-- A profile: a person as the identity graph knows them. A merged profile stays as a row pointing at its survivor
-- (merged_into) so old profile ids keep resolving and a merge can be undone.
create table profiles (
    id          uuid primary key,
    created_at  timestamptz not null,
    updated_at  timestamptz not null,
    merged_into uuid,
    traits      jsonb not null default '{}'::jsonb,
    trait_times jsonb not null default '{}'::jsonb
);
create index profiles_merged_into on profiles (merged_into) where merged_into is not null;

-- Which profile holds an identifier. The primary key (type, value) is what makes concurrent resolution safe: two
-- transactions can never both link the same identifier; resolution also takes a transaction-scoped advisory lock
-- per identifier so the second one waits and sees the first one's profile instead of failing.
create table identifiers (
    type       varchar(64)  not null,
    value      varchar(512) not null,
    profile_id uuid         not null references profiles (id) on delete cascade,
    first_seen timestamptz  not null,
    last_seen  timestamptz  not null,
    primary key (type, value)
);
create index identifiers_profile on identifiers (profile_id);

-- Provenance: every identifier that joined a profile, by which rule, on which event, in which merge.
create table links (
    id         bigserial primary key,
    profile_id uuid         not null,
    type       varchar(64)  not null,
    value      varchar(512) not null,
    rule       varchar(200) not null,
    message_id varchar(256),
    event_id   varchar(256),
    merge_id   uuid,
    at         timestamptz  not null
);
create index links_profile on links (profile_id, id);

-- Every merge, with what the merged profiles looked like before it (snapshot), so it can be explained and undone.
create table merges (
    id            uuid primary key,
    into_profile  uuid         not null,
    from_profiles text         not null, -- comma-separated profile ids, oldest first
    rule          varchar(200) not null,
    message_id    varchar(256),
    event_id      varchar(256),
    at            timestamptz  not null,
    undone_at     timestamptz,
    snapshot      jsonb        not null
);
create index merges_into on merges (into_profile);

-- Idempotency: each raw CloudEvent is resolved once; redelivery republishes what the outbox still holds.
create table processed_events (
    event_id   varchar(256) primary key,
    profile_id uuid        not null,
    at         timestamptz not null
);
create index processed_events_profile on processed_events (profile_id);

-- Transactional outbox: messages written with the identity changes that caused them, deleted once Kafka has them.
create table outbox (
    id         bigserial primary key,
    event_id   varchar(256),
    profile_id uuid,
    topic      varchar(200) not null,
    msg_key    varchar(200) not null,
    ce_id      varchar(256) not null,
    ce_type    varchar(200) not null,
    data       text         not null,
    created_at timestamptz  not null
);
create index outbox_event on outbox (event_id);
create index outbox_created on outbox (created_at);

-- Erasure tombstones: proof that a profile was erased, with nothing that identifies the person.
create table erasures (
    profile_id          uuid primary key,
    erased_at           timestamptz not null,
    profiles_erased     int         not null,
    identifiers_erased  int         not null
);
