package io.happypath.devstack.load;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Realistic Segment traffic for load tests: track, page and identify messages with the context a browser or mobile
 * library sends, padded to a target size, in {@code /v1/batch} bodies. Reused by the later issues' benchmarks.
 */
public final class SegmentTraffic {

    private static final List<String> EVENTS = List.of("Product Viewed", "Product Added", "Checkout Started",
            "Order Completed", "Support Ticket Opened", "Activation Started", "Activation Completed");
    private static final List<String> CATEGORIES = List.of("phone", "tablet", "plan", "accessory");

    private final int eventBytes;
    private final int users;

    /**
     * @param eventBytes the approximate size of one message in bytes (Segment's typical track is 400–800)
     * @param users how many distinct people the traffic comes from (drives key spread on Kafka)
     */
    public SegmentTraffic(int eventBytes, int users) {
        this.eventBytes = eventBytes;
        this.users = users;
    }

    /** One message as JSON, about {@code eventBytes} long. */
    public String message() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int user = r.nextInt(users);
        int kind = r.nextInt(10);
        String type = kind < 7 ? "track" : kind < 9 ? "page" : "identify";
        StringBuilder sb = new StringBuilder(eventBytes + 64);
        sb.append("{\"type\":\"").append(type).append("\",\"messageId\":\"").append(UUID.randomUUID())
                .append("\",\"anonymousId\":\"anon-").append(user).append("\",\"userId\":\"user-").append(user)
                .append("\",\"timestamp\":\"").append(Instant.now()).append('"');
        switch (type) {
            case "track" -> sb.append(",\"event\":\"").append(EVENTS.get(r.nextInt(EVENTS.size())))
                    .append("\",\"properties\":{\"category\":\"").append(CATEGORIES.get(r.nextInt(CATEGORIES.size())))
                    .append("\",\"price\":").append(r.nextInt(10, 1500)).append(",\"currency\":\"EUR\"");
            case "page" -> sb.append(",\"name\":\"Product\",\"properties\":{\"path\":\"/products/").append(r.nextInt(500))
                    .append("\",\"title\":\"Product page\"");
            default -> sb.append(",\"traits\":{\"email\":\"user-").append(user).append("@example.com\",\"plan\":\"pro\"");
        }
        sb.append(",\"note\":\"");
        int closing = "\"}".length()
                + ",\"context\":{\"library\":{\"name\":\"analytics.js\",\"version\":\"5.2.0\"},\"ip\":\"203.0.113.7\",\"locale\":\"en-GB\",\"userAgent\":\"Mozilla/5.0 (X11; Linux x86_64)\"}}"
                        .length();
        int pad = Math.max(0, eventBytes - sb.length() - closing);
        for (int i = 0; i < pad; i++) {
            sb.append((char) ('a' + r.nextInt(26)));
        }
        sb.append("\"}")
                .append(",\"context\":{\"library\":{\"name\":\"analytics.js\",\"version\":\"5.2.0\"},\"ip\":\"203.0.113.7\",\"locale\":\"en-GB\",\"userAgent\":\"Mozilla/5.0 (X11; Linux x86_64)\"}}");
        return sb.toString();
    }

    /** A {@code /v1/batch} body of {@code size} messages with a batch-level {@code sentAt}. */
    public byte[] batch(int size) {
        StringBuilder sb = new StringBuilder(size * (eventBytes + 16) + 64).append("{\"batch\":[");
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(message());
        }
        return sb.append("],\"sentAt\":\"").append(Instant.now()).append("\"}").toString().getBytes(StandardCharsets.UTF_8);
    }
}
