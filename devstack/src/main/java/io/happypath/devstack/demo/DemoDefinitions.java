package io.happypath.devstack.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.happypath.contracts.Json;

/**
 * The demo's sample definitions (src/main/resources/demo: journeys, segments, contact policies, actions, an
 * experiment) and their installation through the services' REST APIs. A PUT of an unchanged definition is harmless, so
 * installing twice needs no clean-up. The e2e tests install the same definitions.
 */
public final class DemoDefinitions {

    /**
     * The local stack's write key per channel (the collector's %dev sources: {@code local-<channel>}), as the simulator
     * and the load generators send with them, in this channel order.
     */
    public static final Map<String, String> WRITE_KEYS = Collections.unmodifiableMap(Stream
            .of("web", "app", "store", "callcenter", "email")
            .collect(Collectors.toMap(c -> c, c -> "local-" + c, (a, b) -> a, LinkedHashMap::new)));

    private static final ObjectMapper JSON = Json.newMapper();

    private DemoDefinitions() {
    }

    /**
     * PUTs every definition with an admin token.
     *
     * @return the paths installed, e.g. {@code /v1/actions/activation-help}
     */
    public static List<String> install(URI journeyService, URI decisionService, String adminToken) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<String> installed = new ArrayList<>();
        installed.addAll(install(http, adminToken, "journeys.json", journeyService, "/v1/journeys/"));
        installed.addAll(install(http, adminToken, "segments.json", journeyService, "/v1/segments/"));
        installed.addAll(install(http, adminToken, "policies.json", decisionService, "/v1/policies/"));
        installed.addAll(install(http, adminToken, "actions.json", decisionService, "/v1/actions/"));
        installed.addAll(install(http, adminToken, "experiments.json", decisionService, "/v1/experiments/"));
        return installed;
    }

    private static List<String> install(HttpClient http, String token, String resource, URI service, String path) {
        List<String> installed = new ArrayList<>();
        for (JsonNode definition : resource(resource)) {
            String target = path + definition.path("id").asText();
            HttpRequest request = HttpRequest.newBuilder(service.resolve(target)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(definition.toString())).build();
            HttpResponse<String> r;
            try {
                r = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot reach " + request.uri() + ": is the stack up?", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (r.statusCode() != 200 && r.statusCode() != 201) {
                throw new IllegalStateException("PUT " + target + " answered " + r.statusCode() + ": " + r.body());
            }
            installed.add(target);
        }
        return installed;
    }

    /** One of the definition files as JSON, e.g. {@code actions.json}. */
    public static JsonNode resource(String name) {
        try (InputStream in = DemoDefinitions.class.getResourceAsStream("/demo/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource demo/" + name);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
