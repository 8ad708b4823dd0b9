package io.happypath.journey.service;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.happypath.journey.domain.CompiledJourney;
import io.happypath.journey.domain.CompiledSegment;
import io.happypath.journey.domain.DefinitionValidator;
import io.happypath.journey.domain.JourneyDefinition;
import io.happypath.journey.domain.SegmentDefinition;
import io.happypath.journey.repository.JourneyVersion;
import io.happypath.journey.repository.SegmentVersion;

/**
 * The compiled definitions the event path evaluates, in memory. Each (id, version) is compiled once: a refresh
 * reuses what it already compiled and compiles only new versions. Readers get immutable snapshots.
 */
@ApplicationScoped
public class DefinitionRegistry {

    private static final Logger LOG = Logger.getLogger(DefinitionRegistry.class);

    private final ObjectMapper mapper;
    private volatile Map<String, CompiledJourney> journeys = Map.of();
    private volatile List<CompiledJourney> journeyList = List.of();
    private volatile Map<String, Integer> segmentVersions = Map.of();
    private volatile List<CompiledSegment> segments = List.of();
    /** Counts local writes, so that a refresh that read the database before a local write does not undo it. */
    private long generation;

    public DefinitionRegistry(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Pass to the refresh methods: a refresh is dropped when a local write happened since. */
    public synchronized long generation() {
        return generation;
    }

    public List<CompiledJourney> journeys() {
        return journeyList;
    }

    public Map<String, CompiledJourney> journeysById() {
        return journeys;
    }

    public List<CompiledSegment> segments() {
        return segments;
    }

    /**
     * Names the segment set in force (ids and versions): two replicas with the same definitions give the same value,
     * any create, change or delete gives another. A back-fill runs once per fingerprint.
     */
    public String segmentsFingerprint() {
        StringBuilder sb = new StringBuilder("segments;");
        new TreeMap<>(segmentVersions).forEach((id, version) -> sb.append(id).append(':').append(version).append(';'));
        return UUID.nameUUIDFromBytes(sb.toString().getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Replaces the journeys with the latest versions read from the database. */
    public synchronized void refreshJourneys(List<JourneyVersion> latest, long readAtGeneration) {
        if (readAtGeneration != generation) {
            return;
        }
        Map<String, CompiledJourney> next = new LinkedHashMap<>();
        for (JourneyVersion v : latest) {
            if (v.deleted) {
                continue;
            }
            CompiledJourney current = journeys.get(v.journeyId);
            if (current != null && current.version() == v.version) {
                next.put(v.journeyId, current);
                continue;
            }
            try {
                JourneyDefinition d = mapper.readValue(v.definition, JourneyDefinition.class);
                DefinitionValidator.Result<CompiledJourney> r = DefinitionValidator.journey(d, v.version);
                if (r.ok()) {
                    next.put(v.journeyId, r.compiled());
                } else {
                    LOG.errorf("Stored journey %s version %d is invalid and is ignored: %s", v.journeyId, v.version,
                            r.problems());
                }
            } catch (JsonProcessingException e) {
                LOG.errorf("Stored journey %s version %d is not readable and is ignored: %s", v.journeyId, v.version,
                        e.getMessage());
            }
        }
        journeys = Map.copyOf(next);
        journeyList = List.copyOf(next.values());
    }

    /** Makes one journey version visible at once on this replica (after a local write). */
    public synchronized void put(CompiledJourney journey) {
        generation++;
        CompiledJourney current = journeys.get(journey.id());
        if (current != null && current.version() > journey.version()) {
            return;
        }
        Map<String, CompiledJourney> next = new LinkedHashMap<>(journeys);
        next.put(journey.id(), journey);
        journeys = Map.copyOf(next);
        journeyList = List.copyOf(next.values());
    }

    public synchronized void removeJourney(String journeyId) {
        generation++;
        Map<String, CompiledJourney> next = new LinkedHashMap<>(journeys);
        next.remove(journeyId);
        journeys = Map.copyOf(next);
        journeyList = List.copyOf(next.values());
    }

    public synchronized void refreshSegments(List<SegmentVersion> latest, long readAtGeneration) {
        if (readAtGeneration != generation) {
            return;
        }
        Map<String, CompiledSegment> byId = new LinkedHashMap<>();
        segments.forEach(s -> byId.put(s.id(), s));
        Map<String, CompiledSegment> next = new LinkedHashMap<>();
        Map<String, Integer> versions = new LinkedHashMap<>();
        for (SegmentVersion v : latest) {
            if (v.deleted) {
                continue;
            }
            CompiledSegment current = byId.get(v.segmentId);
            if (current != null && Integer.valueOf(v.version).equals(segmentVersions.get(v.segmentId))) {
                next.put(v.segmentId, current);
                versions.put(v.segmentId, v.version);
                continue;
            }
            try {
                SegmentDefinition d = mapper.readValue(v.definition, SegmentDefinition.class);
                DefinitionValidator.Result<CompiledSegment> r = DefinitionValidator.segment(d);
                if (r.ok()) {
                    next.put(v.segmentId, r.compiled());
                    versions.put(v.segmentId, v.version);
                } else {
                    LOG.errorf("Stored segment %s version %d is invalid and is ignored: %s", v.segmentId, v.version,
                            r.problems());
                }
            } catch (JsonProcessingException e) {
                LOG.errorf("Stored segment %s is not readable and is ignored: %s", v.segmentId, e.getMessage());
            }
        }
        segments = List.copyOf(next.values());
        segmentVersions = Map.copyOf(versions);
    }

    public synchronized void put(CompiledSegment segment, int version) {
        generation++;
        List<CompiledSegment> next = new ArrayList<>(segments);
        next.removeIf(s -> s.id().equals(segment.id()));
        next.add(segment);
        Map<String, Integer> versions = new LinkedHashMap<>(segmentVersions);
        versions.put(segment.id(), version);
        segments = List.copyOf(next);
        segmentVersions = Map.copyOf(versions);
    }

    public synchronized void removeSegment(String segmentId) {
        generation++;
        List<CompiledSegment> next = new ArrayList<>(segments);
        next.removeIf(s -> s.id().equals(segmentId));
        Map<String, Integer> versions = new LinkedHashMap<>(segmentVersions);
        versions.remove(segmentId);
        segments = List.copyOf(next);
        segmentVersions = Map.copyOf(versions);
    }
}
