package io.happypath.journey.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** A version of a segment definition (table {@code journey.segment_version}). */
@Entity
@Table(name = "segment_version")
public class SegmentVersion extends DefinitionVersion {

    @Column(name = "segment_id")
    public String segmentId;

    @Override
    public String definitionId() {
        return segmentId;
    }
}
