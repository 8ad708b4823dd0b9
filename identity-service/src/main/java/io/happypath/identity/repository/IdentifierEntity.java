package io.happypath.identity.repository;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** Which profile holds an identifier; (type, value) is unique across the graph. */
@Entity
@Table(name = "identifiers")
@IdClass(IdentifierEntity.Key.class)
public class IdentifierEntity extends PanacheEntityBase {

    @Id
    public String type;

    @Id
    public String value;

    @Column(name = "profile_id", nullable = false)
    public UUID profileId;

    @Column(name = "first_seen", nullable = false)
    public Instant firstSeen;

    @Column(name = "last_seen", nullable = false)
    public Instant lastSeen;

    /** The composite key. */
    public static class Key implements Serializable {

        private static final long serialVersionUID = 1L;

        public String type;
        public String value;

        public Key() {
        }

        public Key(String type, String value) {
            this.type = type;
            this.value = value;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(type, k.type) && Objects.equals(value, k.value);
        }

        @Override
        public int hashCode() {
            return Objects.hash(type, value);
        }
    }
}
