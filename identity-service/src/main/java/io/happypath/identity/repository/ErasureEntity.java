package io.happypath.identity.repository;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** Proof that a profile was erased; holds nothing that identifies the person. */
@Entity
@Table(name = "erasures")
public class ErasureEntity extends PanacheEntityBase {

    @Id
    @Column(name = "profile_id")
    public UUID profileId;

    @Column(name = "erased_at")
    public Instant erasedAt;

    @Column(name = "profiles_erased")
    public int profilesErased;

    @Column(name = "identifiers_erased")
    public int identifiersErased;
}
