package io.happypath.journey.repository;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** One version of a definition (journey or segment): its JSON, or a tombstone when it was deleted. */
@MappedSuperclass
public abstract class DefinitionVersion extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public int version;

    /** The definition as JSON; null for a tombstone. */
    @Column(columnDefinition = "text")
    public String definition;

    public boolean deleted;

    @Column(name = "created_at")
    public Instant createdAt;

    public abstract String definitionId();
}
