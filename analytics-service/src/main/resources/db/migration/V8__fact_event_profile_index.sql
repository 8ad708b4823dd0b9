-- The path facts' index by profile holds the profile id alone instead of (profile id, time). Facts arrive in time
-- order across profiles, so every insert lands on a random page of this index: at 10 million facts the
-- (profile id, time) index was as large as the buffer cache several times over, and each insert cost a page read, an
-- eviction and, after a checkpoint, a full page image in the WAL. With the id alone, PostgreSQL keeps one key per
-- profile and a list of its rows (B-tree deduplication), an index several times smaller. The readers (a profile's
-- path, merges, erasure, channel effectiveness) read all of a profile's facts anyway, or filter a few dozen by time.
DROP INDEX fact_event_profile_ts;
CREATE INDEX fact_event_profile ON fact_event (profile_id);
