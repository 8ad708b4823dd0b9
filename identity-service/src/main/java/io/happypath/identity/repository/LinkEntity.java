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

/** Provenance of one identifier joining a profile: the rule, the event and, for a merge, the merge. */
@Entity
@Table(name = "links")
public class LinkEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "profile_id", nullable = false)
    public UUID profileId;

    public String type;
    public String value;
    public String rule;

    @Column(name = "message_id")
    public String messageId;

    @Column(name = "event_id")
    public String eventId;

    @Column(name = "merge_id")
    public UUID mergeId;

    public Instant at;
}
