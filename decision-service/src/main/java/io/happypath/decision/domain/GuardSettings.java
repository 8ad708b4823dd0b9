package io.happypath.decision.domain;

import java.time.Duration;
import java.util.List;

/**
 * The built-in guards that keep decisions from being tone-deaf.
 *
 * @param blockingSignals live-state signals that, while open, suppress selling (default {@code openServiceIssue})
 * @param frustrationThreshold frustration above this suppresses selling too
 * @param sellingGroups groups suppressed by a blocking signal or frustration
 * @param serviceGroup the group that gets {@code serviceBoost} percent context weight instead
 * @param marketingGroups groups suppressed when marketing consent is withdrawn
 * @param consentTrait a profile trait that, when {@code false}, withdraws marketing consent
 * @param consentWithdrawnSignal a live-state signal that, while open, withdraws marketing consent
 * @param recentPurchaseWindow an action for a product bought within this window is not applicable
 * @param purchaseEvents the touchpoint events that are purchases
 */
public record GuardSettings(
        List<String> blockingSignals,
        double frustrationThreshold,
        List<String> sellingGroups,
        String serviceGroup,
        double serviceBoost,
        List<String> marketingGroups,
        String consentTrait,
        String consentWithdrawnSignal,
        Duration recentPurchaseWindow,
        List<String> purchaseEvents) {

    /** The defaults of the configuration. */
    public static GuardSettings defaults() {
        return new GuardSettings(List.of("openServiceIssue"), 0.6, List.of("sales", "upsell", "cross-sell"), "service",
                100, List.of("marketing"), "marketingConsent", "marketingConsentWithdrawn", Duration.ofDays(30),
                List.of("Order Completed"));
    }
}
