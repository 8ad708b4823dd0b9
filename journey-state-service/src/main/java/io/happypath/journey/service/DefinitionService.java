package io.happypath.journey.service;

import java.util.List;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.happypath.journey.domain.CompiledJourney;
import io.happypath.journey.domain.CompiledSegment;
import io.happypath.journey.domain.DefinitionProblem;
import io.happypath.journey.domain.DefinitionValidator;
import io.happypath.journey.domain.JourneyDefinition;
import io.happypath.journey.domain.SegmentDefinition;
import io.happypath.journey.repository.DefinitionRepository;
import io.happypath.journey.state.StateStore;
import io.happypath.platform.rest.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Journey and segment definitions: validated and compiled on write, stored as versions, served to the registry. */
@ApplicationScoped
public class DefinitionService {

    private static final Logger LOG = Logger.getLogger(DefinitionService.class);

    private final DefinitionRepository repository;
    private final DefinitionRegistry registry;
    private final StateStore store;
    private final ObjectMapper mapper;

    public DefinitionService(DefinitionRepository repository, DefinitionRegistry registry, StateStore store,
            ObjectMapper mapper) {
        this.repository = repository;
        this.registry = registry;
        this.store = store;
        this.mapper = mapper;
    }

    /** A stored version of a definition. */
    public record Stored<T>(T definition, int version, boolean created) {
    }

    public Uni<Stored<JourneyDefinition>> putJourney(String journeyId, JourneyDefinition body) {
        if (body.id() != null && !body.id().equals(journeyId)) {
            throw invalid("journey", List.of(new DefinitionProblem("id",
                    "'" + body.id() + "' differs from the id in the path '" + journeyId + "'")));
        }
        JourneyDefinition d = body.withId(journeyId);
        DefinitionValidator.Result<CompiledJourney> check = DefinitionValidator.journey(d, 0);
        if (!check.ok()) {
            throw invalid("journey", check.problems());
        }
        String json = write(d);
        return Panache.withTransaction(() -> repository.latestJourney(journeyId).flatMap(
                latest -> repository.appendJourney(journeyId, json, false)
                        .map(v -> new Stored<>(d, v.version, latest == null || latest.deleted))))
                // Visible to this replica's event path only once committed; other replicas pick it up on refresh.
                .invoke(stored -> {
                    CompiledJourney c = check.compiled();
                    registry.put(new CompiledJourney(d, stored.version(), c.stages(), c.exitOn(), c.signals()));
                });
    }

    public Uni<List<Stored<JourneyDefinition>>> listJourneys() {
        return Panache.withSession(() -> repository.latestJourneys())
                .map(list -> list.stream().filter(v -> !v.deleted)
                        .map(v -> new Stored<>(read(v.definition, JourneyDefinition.class), v.version, false))
                        .collect(Collectors.toList()));
    }

    public Uni<Stored<JourneyDefinition>> getJourney(String journeyId) {
        return Panache.withSession(() -> repository.latestJourney(journeyId)).map(v -> {
            if (v == null || v.deleted) {
                throw ApiException.notFound("Journey", journeyId);
            }
            return new Stored<>(read(v.definition, JourneyDefinition.class), v.version, false);
        });
    }

    public Uni<Void> deleteJourney(String journeyId) {
        return Panache.withTransaction(() -> repository.latestJourney(journeyId).flatMap(v -> {
            if (v == null || v.deleted) {
                throw ApiException.notFound("Journey", journeyId);
            }
            return repository.appendJourney(journeyId, null, true);
        })).invoke(() -> registry.removeJourney(journeyId)).replaceWithVoid();
    }

    /** Installs a journey as version 1 when no version of it exists (a deleted journey stays deleted). */
    public Uni<Boolean> installIfAbsent(JourneyDefinition d) {
        return Panache.withTransaction(() -> repository.latestJourney(d.id()).flatMap(latest -> {
            if (latest != null) {
                return Uni.createFrom().item(false);
            }
            DefinitionValidator.Result<CompiledJourney> check = DefinitionValidator.journey(d, 1);
            if (!check.ok()) {
                throw new IllegalStateException("Shipped journey " + d.id() + " is invalid: " + check.problems());
            }
            return repository.appendJourney(d.id(), write(d), false).map(v -> true);
        }));
    }

    public Uni<Stored<SegmentDefinition>> putSegment(String segmentId, SegmentDefinition body) {
        if (body.id() != null && !body.id().equals(segmentId)) {
            throw invalid("segment", List.of(new DefinitionProblem("id",
                    "'" + body.id() + "' differs from the id in the path '" + segmentId + "'")));
        }
        SegmentDefinition d = body.withId(segmentId);
        DefinitionValidator.Result<CompiledSegment> check = DefinitionValidator.segment(d);
        if (!check.ok()) {
            throw invalid("segment", check.problems());
        }
        String json = write(d);
        return Panache.withTransaction(() -> repository.latestSegment(segmentId).flatMap(
                latest -> repository.appendSegment(segmentId, json, false)
                        .map(v -> new Stored<>(d, v.version, latest == null || latest.deleted))))
                .invoke(stored -> registry.put(check.compiled(), stored.version()))
                .call(this::requestBackfill);
    }

    public Uni<List<Stored<SegmentDefinition>>> listSegments() {
        return Panache.withSession(() -> repository.latestSegments())
                .map(list -> list.stream().filter(v -> !v.deleted)
                        .map(v -> new Stored<>(read(v.definition, SegmentDefinition.class), v.version, false))
                        .collect(Collectors.toList()));
    }

    public Uni<Stored<SegmentDefinition>> getSegment(String segmentId) {
        return Panache.withSession(() -> repository.latestSegment(segmentId)).map(v -> {
            if (v == null || v.deleted) {
                throw ApiException.notFound("Segment", segmentId);
            }
            return new Stored<>(read(v.definition, SegmentDefinition.class), v.version, false);
        });
    }

    public Uni<Void> deleteSegment(String segmentId) {
        return Panache.withTransaction(() -> repository.latestSegment(segmentId).flatMap(v -> {
            if (v == null || v.deleted) {
                throw ApiException.notFound("Segment", segmentId);
            }
            return repository.appendSegment(segmentId, null, true);
        })).invoke(() -> registry.removeSegment(segmentId)).call(this::requestBackfill).replaceWithVoid();
    }

    /**
     * Asks for a back-fill of the segment set now in force (SegmentBackfill): existing profiles' membership is
     * re-evaluated without waiting for their next event. Best effort: should Redis not answer, the next periodic
     * reload (any replica) asks again.
     */
    private Uni<Boolean> requestBackfill() {
        return store.requestBackfill(registry.segmentsFingerprint(), System.currentTimeMillis())
                .onFailure().recoverWithItem(t -> {
                    LOG.warnf("Could not ask for a segment back-fill, the next reload will: %s", t.getMessage());
                    return false;
                });
    }

    /**
     * Reloads every definition into the registry (start and periodic refresh: other replicas write too), and asks for
     * a segment back-fill when the segment set differs from the last one back-filled.
     */
    public Uni<Void> reload() {
        long generation = registry.generation();
        return Panache.withSession(() -> repository.latestJourneys().flatMap(journeys -> repository.latestSegments()
                .invoke(segments -> {
                    registry.refreshJourneys(journeys, generation);
                    registry.refreshSegments(segments, generation);
                }))).call(this::requestBackfill).replaceWithVoid();
    }

    private static ApiException invalid(String what, List<DefinitionProblem> problems) {
        String summary = problems.stream().map(p -> p.field() + ": " + p.message()).collect(Collectors.joining("; "));
        return new ApiException(400, "invalid_definition", "Invalid " + what + " definition: " + summary, problems);
    }

    private String write(Object d) {
        try {
            return mapper.writeValueAsString(d);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T read(String json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored definition is not readable", e);
        }
    }

}
