package io.happypath.journey.repository;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;

/**
 * Reads and appends definition versions. Callers run inside a Panache session or transaction. The latest version of
 * each id wins; appending computes {@code max(version) + 1}, and the unique (id, version) constraint turns a
 * concurrent append of the same id into a failure instead of a lost update.
 */
@ApplicationScoped
public class DefinitionRepository {

    private static final String LATEST_JOURNEYS = "from JourneyVersion v where v.version = "
            + "(select max(w.version) from JourneyVersion w where w.journeyId = v.journeyId) order by v.journeyId";
    private static final String LATEST_SEGMENTS = "from SegmentVersion v where v.version = "
            + "(select max(w.version) from SegmentVersion w where w.segmentId = v.segmentId) order by v.segmentId";

    /** The latest version of every journey, tombstones included. */
    public Uni<List<JourneyVersion>> latestJourneys() {
        return JourneyVersion.<JourneyVersion>find(LATEST_JOURNEYS).list();
    }

    public Uni<JourneyVersion> latestJourney(String journeyId) {
        return JourneyVersion.<JourneyVersion>find("journeyId = ?1 order by version desc", journeyId).firstResult();
    }

    public Uni<JourneyVersion> appendJourney(String journeyId, String json, boolean deleted) {
        return latestJourney(journeyId).flatMap(latest -> {
            JourneyVersion v = new JourneyVersion();
            v.journeyId = journeyId;
            v.version = latest == null ? 1 : latest.version + 1;
            v.definition = json;
            v.deleted = deleted;
            v.createdAt = Instant.now();
            return v.<JourneyVersion>persist();
        });
    }

    public Uni<List<SegmentVersion>> latestSegments() {
        return SegmentVersion.<SegmentVersion>find(LATEST_SEGMENTS).list();
    }

    public Uni<SegmentVersion> latestSegment(String segmentId) {
        return SegmentVersion.<SegmentVersion>find("segmentId = ?1 order by version desc", segmentId).firstResult();
    }

    public Uni<SegmentVersion> appendSegment(String segmentId, String json, boolean deleted) {
        return latestSegment(segmentId).flatMap(latest -> {
            SegmentVersion v = new SegmentVersion();
            v.segmentId = segmentId;
            v.version = latest == null ? 1 : latest.version + 1;
            v.definition = json;
            v.deleted = deleted;
            v.createdAt = Instant.now();
            return v.<SegmentVersion>persist();
        });
    }
}
