package io.happypath.decision.repository;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** A stored Action definition (table {@code action}). */
@Entity
@Table(name = "action")
public class ActionEntity extends StoredDefinition {
}
