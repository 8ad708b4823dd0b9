package io.happypath.decision.client;

import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.smallrye.mutiny.Uni;

/**
 * Fault-tolerant calls to identity-service and journey-state-service. A 404 is an answer (unknown), not a
 * failure; timeouts, errors and an open circuit fail the returned {@link Uni} and the caller degrades. Limits can
 * be tuned with MicroProfile Fault Tolerance configuration, e.g.
 * {@code io.happypath.decision.client.Upstream/state/Timeout/value=150}.
 */
@ApplicationScoped
public class Upstream {

    private final IdentityClient identity;
    private final JourneyClient journey;

    public Upstream(@RestClient IdentityClient identity, @RestClient JourneyClient journey) {
        this.identity = identity;
        this.journey = journey;
    }

    /** The profile id of an identifier, empty when identity-service does not know it. */
    @Timeout(value = 250, unit = ChronoUnit.MILLIS)
    @Retry(maxRetries = 1, delay = 0)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    public Uni<Optional<String>> resolve(String type, String value) {
        return recover404(identity.identity(type, value)).map(o -> o.map(m -> m.get("profileId"))
                .filter(String.class::isInstance).map(String.class::cast));
    }

    /** A profile, empty when unknown. */
    @Timeout(value = 250, unit = ChronoUnit.MILLIS)
    @Retry(maxRetries = 1, delay = 0)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    public Uni<Optional<Map<String, Object>>> profile(String profileId) {
        return recover404(identity.profile(profileId));
    }

    /** The live state of a profile, empty when unknown. */
    @Timeout(value = 250, unit = ChronoUnit.MILLIS)
    @Retry(maxRetries = 1, delay = 0)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    public Uni<Optional<Map<String, Object>>> state(String profileId) {
        return recover404(journey.state(profileId));
    }

    private static <T> Uni<Optional<T>> recover404(Uni<T> call) {
        return call.map(Optional::ofNullable)
                .onFailure(e -> e instanceof WebApplicationException w && w.getResponse() != null
                        && w.getResponse().getStatus() == 404)
                .recoverWithItem(Optional.empty());
    }
}
