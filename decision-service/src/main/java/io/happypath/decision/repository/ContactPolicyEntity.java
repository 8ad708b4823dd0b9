package io.happypath.decision.repository;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** A stored ContactPolicy definition (table {@code contact_policy}). */
@Entity
@Table(name = "contact_policy")
public class ContactPolicyEntity extends StoredDefinition {
}
