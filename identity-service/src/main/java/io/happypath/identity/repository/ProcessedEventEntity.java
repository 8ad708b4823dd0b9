package io.happypath.identity.repository;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A raw CloudEvent already resolved, by its id: redelivery changes nothing. */
@Entity
@Table(name = "processed_events")
public class ProcessedEventEntity extends PanacheEntityBase {

    @Id
    @Column(name = "event_id")
    public String eventId;

    @Column(name = "profile_id", nullable = false)
    public UUID profileId;

    public Instant at;
}
