package io.happypath.journey.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.happypath.journey.config.JourneyConfig;
import io.happypath.journey.domain.JourneyDefinition;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** Installs the shipped journeys when absent, loads every definition at start, and refreshes them periodically. */
@ApplicationScoped
public class Startup {

    private static final Logger LOG = Logger.getLogger(Startup.class);
    static final List<String> SHIPPED = List.of("lifecycle", "phone-onboarding");

    private final DefinitionService definitions;
    private final JourneyConfig config;
    private final ObjectMapper mapper;

    public Startup(DefinitionService definitions, JourneyConfig config, ObjectMapper mapper) {
        this.definitions = definitions;
        this.config = config;
        this.mapper = mapper;
    }

    void onStart(@Observes StartupEvent event) throws Throwable {
        VertxContextSupport.subscribeAndAwait(() -> install().chain(definitions::reload));
    }

    @Scheduled(every = "${happypath.journey.definitions-refresh:10s}", delayed = "${happypath.journey.definitions-refresh:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return definitions.reload().onFailure().invoke(t -> LOG.warnf("Reloading definitions failed: %s", t.getMessage()))
                .onFailure().recoverWithNull();
    }

    private Uni<Void> install() {
        if (!config.installShippedJourneys()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(SHIPPED).onItem().transformToUniAndConcatenate(id -> definitions
                .installIfAbsent(load(id)).invoke(installed -> {
                    if (installed) {
                        LOG.infof("Installed the shipped journey '%s'", id);
                    }
                })).collect().asList().replaceWithVoid();
    }

    private JourneyDefinition load(String id) {
        try (InputStream in = Startup.class.getResourceAsStream("/journeys/" + id + ".json")) {
            return mapper.readValue(in, JourneyDefinition.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the shipped journey " + id, e);
        }
    }
}
