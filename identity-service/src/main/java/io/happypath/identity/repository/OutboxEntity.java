package io.happypath.identity.repository;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A message to publish, written in the transaction of the change it reports; deleted once Kafka acknowledged it. */
@Entity
@Table(name = "outbox")
public class OutboxEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "event_id")
    public String eventId;

    @Column(name = "profile_id")
    public UUID profileId;

    public String topic;

    @Column(name = "msg_key")
    public String key;

    @Column(name = "ce_id")
    public String ceId;

    @Column(name = "ce_type")
    public String ceType;

    public String data;

    @Column(name = "created_at")
    public Instant createdAt;

    /** The row as a message to publish (after the flush that assigned its id). */
    public OutboxMessage toMessage() {
        return new OutboxMessage(id, eventId, profileId, topic, key, ceId, ceType, data, createdAt);
    }
}
