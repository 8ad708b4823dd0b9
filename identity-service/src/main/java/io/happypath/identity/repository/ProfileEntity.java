package io.happypath.identity.repository;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A profile; a merged one points at its survivor through {@link #mergedInto}. */
@Entity
@Table(name = "profiles")
public class ProfileEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "merged_into")
    public UUID mergedInto;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, Object> traits;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "trait_times", nullable = false)
    public Map<String, String> traitTimes;
}
