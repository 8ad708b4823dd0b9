package io.happypath.collector.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;

import io.happypath.contracts.Json;
import io.happypath.contracts.segment.SegmentMessage;

/** Plain unit tests of the collector's domain: credentials, limits, parsing, validation and skew correction. */
class DomainTest {

    private static final Source WEB = new Source("web", "web", 100);
    private static final Instant RECEIVED = Instant.parse("2026-01-01T12:00:00Z");
    private final RequestParser parser = new RequestParser(Json.newMapper(), 200, 3);

    @Test
    void basicAuthWithAndWithoutColon() {
        assertThat(Credentials.writeKeyFromBasic(basic("local-web:"))).contains("local-web");
        assertThat(Credentials.writeKeyFromBasic(basic("local-web"))).contains("local-web");
        assertThat(Credentials.writeKeyFromBasic("basic " + b64("k:ignored"))).contains("k");
        assertThat(Credentials.writeKeyFromBasic(basic(":"))).isEmpty();
        assertThat(Credentials.writeKeyFromBasic("Bearer abc")).isEmpty();
        assertThat(Credentials.writeKeyFromBasic("Basic !!!")).isEmpty();
        assertThat(Credentials.writeKeyFromBasic(null)).isEmpty();
    }

    @Test
    void tokenBucketRefillsAtItsRateAndLetsOversizeBatchesThroughWhenFull() {
        TokenBucket bucket = new TokenBucket(10, 0);
        assertThat(bucket.tryTake(10, 0)).isZero();
        long wait = bucket.tryTake(5, 0);
        assertThat(wait).isEqualTo(500_000_000L);
        assertThat(bucket.tryTake(5, 500_000_000L)).isZero();
        // Bigger than the bucket: allowed once full, then the debt must be paid.
        TokenBucket small = new TokenBucket(2, 0);
        assertThat(small.tryTake(50, 0)).isZero();
        assertThat(small.tryTake(1, 1_000_000_000L)).isPositive();
    }

    @Test
    void gzipIsDecodedAndCappedAfterDecompression() throws IOException {
        byte[] json = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        assertThat(BodyDecoder.decode(gzip(json), "gzip", 100)).isEqualTo(json);
        assertThat(BodyDecoder.decode(json, null, 100)).isEqualTo(json);
        // 1 MB of zeros compresses to about 1 KB: the cap applies to what it expands to.
        byte[] bomb = gzip(new byte[1_000_000]);
        assertThat(bomb.length).isLessThan(5_000);
        assertThatThrownBy(() -> BodyDecoder.decode(bomb, "gzip", 10_000)).isInstanceOfSatisfying(IngestException.class,
                e -> assertThat(e.status()).isEqualTo(413));
        assertThatThrownBy(() -> BodyDecoder.decode(json, "gzip", 100)).isInstanceOfSatisfying(IngestException.class,
                e -> assertThat(e.error()).isEqualTo("invalid_gzip"));
        assertThatThrownBy(() -> BodyDecoder.decode(json, "br", 100)).isInstanceOfSatisfying(IngestException.class,
                e -> assertThat(e.status()).isEqualTo(415));
        assertThatThrownBy(() -> BodyDecoder.decode(new byte[101], null, 100)).isInstanceOfSatisfying(
                IngestException.class, e -> assertThat(e.error()).isEqualTo("request_too_large"));
    }

    @Test
    void skewCorrectionUsesTheClientsOwnClockDifference() {
        // The client's clock is one hour fast: it stamped the event 10 s before sending it.
        Instant ts = Instant.parse("2026-01-01T13:00:00Z");
        Instant sentAt = Instant.parse("2026-01-01T13:00:10Z");
        assertThat(MessagePreparer.correctSkew(ts, sentAt, RECEIVED)).isEqualTo(Instant.parse("2026-01-01T11:59:50Z"));
        assertThat(MessagePreparer.correctSkew(ts, null, RECEIVED)).isEqualTo(ts);
    }

    @Test
    void batchFieldsMergeIntoEachMessageAndTheMessageWins() {
        ParsedRequest parsed = parser.parse(bytes("""
                {"writeKey":"k","sentAt":"2026-01-01T13:00:10Z","context":{"ip":"1.2.3.4","locale":"en"},
                 "integrations":{"All":true},
                 "batch":[{"type":"track","event":"E","userId":"u","timestamp":"2026-01-01T13:00:00Z",
                           "context":{"locale":"de"},"writeKey":"secret","custom":7}]}"""), true);
        assertThat(parsed.writeKey()).isEqualTo("k");
        SegmentMessage m = MessagePreparer.prepare(parsed.items().get(0), null, WEB, RECEIVED).message();
        assertThat(m.context()).containsEntry("ip", "1.2.3.4").containsEntry("locale", "de");
        assertThat(m.integrations()).containsEntry("All", true);
        assertThat(m.timestamp()).isEqualTo(Instant.parse("2026-01-01T11:59:50Z"));
        assertThat(m.originalTimestamp()).isEqualTo(Instant.parse("2026-01-01T13:00:00Z"));
        assertThat(m.sentAt()).isEqualTo(Instant.parse("2026-01-01T13:00:10Z"));
        assertThat(m.receivedAt()).isEqualTo(RECEIVED);
        assertThat(m.source()).isEqualTo("web");
        assertThat(m.messageId()).isNotBlank();
        assertThat(m.extra()).containsEntry("custom", 7).doesNotContainKey("writeKey");
    }

    @Test
    void eachTypeNeedsWhatTheSpecRequires() {
        assertThat(reject("{\"type\":\"track\",\"userId\":\"u\"}")).isEqualTo(Rejection.MISSING_EVENT);
        assertThat(reject("{\"type\":\"identify\"}")).isEqualTo(Rejection.MISSING_IDENTIFIER);
        assertThat(reject("{\"type\":\"group\",\"userId\":\"u\"}")).isEqualTo(Rejection.MISSING_GROUP_ID);
        assertThat(reject("{\"type\":\"alias\",\"userId\":\"u\"}")).isEqualTo(Rejection.MISSING_PREVIOUS_ID);
        assertThat(reject("{\"userId\":\"u\"}")).isEqualTo(Rejection.INVALID_TYPE);
        assertThat(reject("{\"type\":\"purchase\",\"userId\":\"u\"}")).isEqualTo(Rejection.INVALID_TYPE);
        assertThat(reject("{\"type\":\"page\",\"userId\":\"u\",\"properties\":\"x\"}")).isEqualTo(Rejection.INVALID_FIELD);
        assertThat(reject("{\"type\":\"page\",\"userId\":\"u\",\"timestamp\":\"yesterday\"}"))
                .isEqualTo(Rejection.INVALID_FIELD);
        assertThat(reject("[1]")).isEqualTo(Rejection.MALFORMED);
        assertThat(reject("{\"type\":\"page\",\"anonymousId\":\"a\",\"p\":\"" + "x".repeat(300) + "\"}"))
                .isEqualTo(Rejection.MESSAGE_TOO_LARGE);
        for (String ok : List.of("{\"type\":\"screen\",\"anonymousId\":\"a\"}",
                "{\"type\":\"alias\",\"userId\":\"u\",\"previousId\":\"a\"}",
                "{\"type\":\"group\",\"userId\":\"u\",\"groupId\":\"g\"}")) {
            ParsedRequest p = parser.parse(bytes("{\"batch\":[" + ok + "]}"), true);
            assertThat(MessagePreparer.prepare(p.items().get(0), null, WEB, RECEIVED).rejection()).isNull();
        }
    }

    @Test
    void wholeRequestErrors() {
        assertThatThrownBy(() -> parser.parse(bytes("{\"batch\":"), true)).isInstanceOfSatisfying(IngestException.class,
                e -> assertThat(e.error()).isEqualTo("malformed_json"));
        assertThatThrownBy(() -> parser.parse(bytes("{\"batch\":{}}"), true)).isInstanceOfSatisfying(
                IngestException.class, e -> assertThat(e.error()).isEqualTo("invalid_field"));
        assertThatThrownBy(() -> parser.parse(bytes("{\"batch\":[{},{},{},{}]}"), true)).isInstanceOfSatisfying(
                IngestException.class, e -> assertThat(e.status()).isEqualTo(413));
        assertThatThrownBy(() -> parser.parse(bytes("{\"batch\":[],\"sentAt\":\"soon\"}"), true))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.error()).isEqualTo("invalid_field"));
        assertThatThrownBy(() -> parser.parse(bytes("\"text\""), false)).isInstanceOfSatisfying(IngestException.class,
                e -> assertThat(e.error()).isEqualTo("malformed_json"));
    }

    @Test
    void configuredChannelIsUsedUnlessTheMessageNamesOne() {
        Source kiosk = new Source("kiosk", "store", 10);
        ParsedRequest p = parser.parse(bytes("{\"batch\":[{\"type\":\"page\",\"userId\":\"u\"},"
                + "{\"type\":\"page\",\"userId\":\"u\",\"context\":{\"channel\":\"web\"}}]}"), true);
        assertThat(MessagePreparer.prepare(p.items().get(0), null, kiosk, RECEIVED).message().channel()).isEqualTo("store");
        assertThat(MessagePreparer.prepare(p.items().get(1), null, kiosk, RECEIVED).message().channel()).isEqualTo("web");
        ParsedRequest single = parser.parse(bytes("{\"userId\":\"u\"}"), false);
        assertThat(MessagePreparer.prepare(single.items().get(0), "identify", WEB, RECEIVED).message().context())
                .isNull();
    }

    private String reject(String message) {
        ParsedRequest p = parser.parse(bytes("{\"batch\":[" + message + "]}"), true);
        Rejection r = MessagePreparer.prepare(p.items().get(0), null, WEB, RECEIVED).rejection();
        assertThat(r).as("rejection of %s", message).isNotNull();
        assertThat(r.index()).isZero();
        return r.error();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(bytes(s));
    }

    private static String basic(String s) {
        return "Basic " + b64(s);
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
