package io.happypath.decision.repository;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** A stored Experiment definition (table {@code experiment}). */
@Entity
@Table(name = "experiment")
public class ExperimentEntity extends StoredDefinition {
}
