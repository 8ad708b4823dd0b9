package io.happypath.decision.repository;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A stored definition (action, contact policy, experiment) as the validated JSON the API accepted. */
@MappedSuperclass
public abstract class StoredDefinition extends PanacheEntityBase {

    @Id
    public String id;

    @Column(nullable = false, columnDefinition = "text")
    public String definition;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
