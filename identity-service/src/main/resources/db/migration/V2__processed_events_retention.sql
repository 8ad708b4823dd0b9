-- Resolution now works a Kafka poll at a time and no longer takes the advisory locks V1's comment mentions: the
-- primary key of identifiers and FOR UPDATE locks on the profiles keep concurrent resolution safe (ARCHITECTURE.md,
-- "identity-service").

-- processed_events (the idempotency record) is pruned by age on a schedule (ProcessedEventsPruner). Rows arrive in
-- time order, so a BRIN index finds the old ones without a full scan and costs next to nothing per insert.
create index processed_events_at on processed_events using brin (at);
