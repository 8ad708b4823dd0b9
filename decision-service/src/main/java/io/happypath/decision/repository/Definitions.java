package io.happypath.decision.repository;

import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Stores, lists and deletes definitions of one of the {@link StoredDefinition} tables. */
@ApplicationScoped
public class Definitions {

    /**
     * Creates or replaces a definition.
     *
     * @return true when it was created
     */
    public <E extends StoredDefinition> Uni<Boolean> put(Class<E> type, Supplier<E> factory, String id, String json) {
        return Panache.withTransaction(() -> Panache.getSession().chain(s -> s.find(type, id).chain(existing -> {
            if (existing != null) {
                existing.definition = json;
                existing.updatedAt = Instant.now();
                return Uni.createFrom().item(false);
            }
            E e = factory.get();
            e.id = id;
            e.definition = json;
            e.updatedAt = Instant.now();
            return s.persist(e).replaceWith(true);
        })));
    }

    /** Every definition, ordered by id. */
    public <E extends StoredDefinition> Uni<List<E>> list(Class<E> type) {
        return Panache.withSession(() -> Panache.getSession().chain(s -> s
                .createQuery("from " + type.getSimpleName() + " order by id", type).getResultList()));
    }

    /** Deletes a definition; false when there was none. */
    public <E extends StoredDefinition> Uni<Boolean> delete(Class<E> type, String id) {
        return Panache.withTransaction(() -> Panache.getSession().chain(s -> s.find(type, id)
                .chain(e -> e == null ? Uni.createFrom().item(false) : s.remove(e).replaceWith(true))));
    }
}
