package io.happypath.identity.service;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The business metrics of identity-service ({@code happypath.identity.*}); tags are bounded. */
@ApplicationScoped
public class IdentityMetrics {

    private final MeterRegistry registry;
    private final Counter profilesCreated;
    private final Counter links;
    private final Counter merges;
    private final Counter undos;
    private final Counter erasures;
    private final Timer resolve;

    public IdentityMetrics(MeterRegistry registry) {
        this.registry = registry;
        profilesCreated = Counter.builder("happypath.identity.profiles.created").description("Profiles created")
                .register(registry);
        links = Counter.builder("happypath.identity.links").description("Identifiers linked to a profile")
                .register(registry);
        merges = Counter.builder("happypath.identity.merges").description("Profiles merged into a survivor")
                .register(registry);
        undos = Counter.builder("happypath.identity.undos").description("Merges undone").register(registry);
        erasures = Counter.builder("happypath.identity.erasures").description("Profiles erased").register(registry);
        resolve = Timer.builder("happypath.identity.resolve")
                .description("Resolution of one raw event: its batch's, from the poll to the commit")
                .publishPercentileHistogram().register(registry);
    }

    public void profilesCreated(int count) {
        profilesCreated.increment(count);
    }

    public void linked(int count) {
        links.increment(count);
    }

    public void merged(int count) {
        merges.increment(count);
    }

    public void undone() {
        undos.increment();
    }

    public void erased() {
        erasures.increment();
    }

    public void resolved(Duration took) {
        resolve.record(took);
    }

    /** An event sent to the dead-letter topic; {@code reason} is one of a few fixed categories. */
    public void deadLettered(String reason) {
        registry.counter("happypath.identity.dlq", "reason", reason).increment();
    }
}
