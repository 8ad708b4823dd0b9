package io.happypath.identity.domain;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.happypath.contracts.identity.Identifier;
import io.happypath.contracts.segment.SegmentMessage;

/**
 * Extracts the identifiers of a Segment message the way Segment's identity resolution does: {@code userId},
 * {@code anonymousId}, {@code traits.email} / {@code context.traits.email}, {@code traits.phone} /
 * {@code context.traits.phone}, {@code context.device.id}, every {@code context.externalIds[]} entry by its type,
 * and the {@code previousId} of an alias (as an {@code anonymous_id}: Segment clients alias the anonymous id they
 * used before the user was known).
 */
public final class IdentifierExtractor {

    /** Identifier types are part of REST paths and metric-free storage keys: keep them tame. */
    public static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    /** Longer values are not identifiers but payloads; they are ignored. */
    public static final int MAX_VALUE_LENGTH = 512;

    private final IdentityRules rules;
    private final PhoneNumbers phones;

    /** Phones without a country code stay digits (no default region). */
    public IdentifierExtractor(IdentityRules rules) {
        this(rules, new PhoneNumbers());
    }

    public IdentifierExtractor(IdentityRules rules, PhoneNumbers phones) {
        this.rules = rules;
        this.phones = phones;
    }

    /** What an event yields: identifiers to resolve and the values the rules blocked. */
    public record Extracted(List<Identifier> identifiers, List<Identifier> blocked) {
    }

    public Extracted extract(SegmentMessage m) {
        Set<Identifier> found = new LinkedHashSet<>();
        add(found, Identifier.USER_ID, m.userId());
        add(found, Identifier.ANONYMOUS_ID, m.anonymousId());
        if (SegmentMessage.ALIAS.equals(m.type())) {
            add(found, Identifier.ANONYMOUS_ID, m.previousId());
        }
        Map<String, Object> context = m.context();
        Object contextTraits = context == null ? null : context.get("traits");
        // group traits describe the group, not the person
        Map<String, Object> traits = SegmentMessage.GROUP.equals(m.type()) ? null : m.traits();
        add(found, Identifier.EMAIL, text(traits, "email"));
        add(found, Identifier.EMAIL, text(contextTraits, "email"));
        add(found, Identifier.PHONE, text(traits, "phone"));
        add(found, Identifier.PHONE, text(contextTraits, "phone"));
        add(found, Identifier.DEVICE_ID, context == null ? null : text(context.get("device"), "id"));
        if (context != null && context.get("externalIds") instanceof List<?> externalIds) {
            for (Object entry : externalIds) {
                String type = text(entry, "type");
                if (type != null) {
                    add(found, type.trim().toLowerCase(Locale.ROOT), text(entry, "id"));
                }
            }
        }
        List<Identifier> kept = new ArrayList<>();
        List<Identifier> blocked = new ArrayList<>();
        for (Identifier id : found) {
            (rules.isBlocked(id.value()) ? blocked : kept).add(id);
        }
        return new Extracted(List.copyOf(kept), List.copyOf(blocked));
    }

    /** The identifier as stored: e-mails trimmed and lower-case, phones in E.164 where parseable, others trimmed. */
    public String normalise(String type, String value) {
        String v = value.trim();
        return switch (type) {
            case Identifier.EMAIL -> v.toLowerCase(Locale.ROOT);
            case Identifier.PHONE -> phones.normalise(v);
            default -> v;
        };
    }

    private void add(Set<Identifier> found, String type, String value) {
        if (value == null || !TYPE.matcher(type).matches()) {
            return;
        }
        String normalised = normalise(type, value);
        if (normalised.isEmpty() || normalised.length() > MAX_VALUE_LENGTH) {
            return;
        }
        found.add(Identifier.of(type, normalised));
    }

    private static String text(Object map, String key) {
        if (map instanceof Map<?, ?> m) {
            Object v = m.get(key);
            if (v instanceof String s) {
                return s;
            }
            if (v instanceof Number n) {
                return n.toString();
            }
        }
        return null;
    }
}
