package io.happypath.analytics.domain;

import java.util.Locale;
import java.util.Set;

/**
 * The kind of a suppression reason, as decision-service words them ({@code open service issue: openServiceIssue},
 * {@code frustration 0.81 above 0.70}, {@code marketing consent withdrawn}, {@code recently bought: phone at ...},
 * {@code contact policy weekly-email: ...}, {@code eligibility rule not met: ...}). The kinds are the same bounded
 * values decision-service tags its own {@code suppressions{reason}} metric with.
 */
public final class SuppressionKind {

    public static final String SERVICE_ISSUE = "service-issue";
    public static final String FRUSTRATION = "frustration";
    public static final String CONSENT = "consent";
    public static final String RECENT_PURCHASE = "recent-purchase";
    public static final String CONTACT_POLICY = "contact-policy";
    public static final String UNSPECIFIED = "unspecified";

    /**
     * The guards that stop tone-deaf offers: selling to someone with an open service issue, to someone frustrated, or
     * marketing to someone who withdrew consent.
     */
    public static final Set<String> TONE_DEAF = Set.of(SERVICE_ISSUE, FRUSTRATION, CONSENT);

    /** Longest kind kept from a reason's first word, so that a producer bug cannot make huge values. */
    static final int MAX_LENGTH = 64;

    private SuppressionKind() {
    }

    /** The kind of {@code reason}: a known guard or policy, else the reason's first word in lower case. */
    public static String of(String reason) {
        String r = reason == null ? "" : reason.trim();
        if (r.startsWith("open service issue")) {
            return SERVICE_ISSUE;
        }
        if (r.startsWith("frustration")) {
            return FRUSTRATION;
        }
        if (r.startsWith("marketing consent")) {
            return CONSENT;
        }
        if (r.startsWith("recently bought")) {
            return RECENT_PURCHASE;
        }
        if (r.startsWith("contact policy")) {
            return CONTACT_POLICY;
        }
        int space = r.indexOf(' ');
        String word = (space > 0 ? r.substring(0, space) : r).toLowerCase(Locale.ROOT);
        if (word.length() > MAX_LENGTH) {
            word = word.substring(0, MAX_LENGTH);
        }
        return word.isEmpty() ? UNSPECIFIED : word;
    }

    /** Whether suppressions of this kind are tone-deaf offers stopped by a guard. */
    public static boolean toneDeaf(String kind) {
        return TONE_DEAF.contains(kind);
    }
}
