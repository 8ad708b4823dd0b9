package io.happypath.identity.repository;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/**
 * A merge of {@link #fromProfiles} into {@link #intoProfile}, with a {@link #snapshot} of the merged profiles'
 * identifiers and traits and of the survivor's traits before the merge: what an undo restores.
 */
@Entity
@Table(name = "merges")
public class MergeEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "into_profile", nullable = false)
    public UUID intoProfile;

    /** Comma-separated ids; see {@link #fromProfiles()}. */
    @Column(name = "from_profiles", nullable = false)
    public String fromProfilesText;

    public String rule;

    @Column(name = "message_id")
    public String messageId;

    @Column(name = "event_id")
    public String eventId;

    public Instant at;

    @Column(name = "undone_at")
    public Instant undoneAt;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> snapshot;

    // Hibernate Reactive reads JSON columns as objects, never as top-level arrays: the list is stored as text.
    public List<String> fromProfiles() {
        return List.of(fromProfilesText.split(","));
    }

    public void fromProfiles(List<String> ids) {
        fromProfilesText = String.join(",", ids);
    }
}
