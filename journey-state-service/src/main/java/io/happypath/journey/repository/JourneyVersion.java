package io.happypath.journey.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** A version of a journey definition (table {@code journey.journey_version}). */
@Entity
@Table(name = "journey_version")
public class JourneyVersion extends DefinitionVersion {

    @Column(name = "journey_id")
    public String journeyId;

    @Override
    public String definitionId() {
        return journeyId;
    }
}
