package io.happypath.decision.domain;

import java.util.List;
import java.util.Map;

/**
 * An entry of the action catalogue (API.md, decision-service): what may be offered, to whom, on which channels.
 *
 * @param group e.g. {@code sales}, {@code retention}, {@code service}; guards act on groups
 * @param issue the business issue the action serves, e.g. {@code grow}; weighs into the lever
 * @param placements where on a channel the action may be shown; empty: any placement
 * @param eligibility CEL over {@code profile}, {@code state}, {@code request}, {@code context}: hard business rules
 * @param applicability CEL: is the action relevant now
 * @param suitability CEL: is the action in the customer's interest
 * @param value the action's value V in arbitration; defaults to 1
 * @param weight the business weight of the action in percent, part of the lever L = 1 + Σweights/100
 * @param content what a channel shows; a key equal to a channel name selects that channel's content
 * @param policies ids of contact policies that apply to this action in addition to the matching global ones
 * @param product the product the action sells; not applicable if the customer bought it recently
 * @param triggers journey events that push this action (push mode)
 */
public record Action(
        String id,
        String name,
        String group,
        String issue,
        List<String> channels,
        List<String> placements,
        String eligibility,
        String applicability,
        String suitability,
        Double value,
        Double weight,
        Map<String, Object> content,
        List<String> policies,
        String product,
        List<Trigger> triggers) {

    public Action {
        channels = channels == null ? List.of() : List.copyOf(channels);
        placements = placements == null ? List.of() : List.copyOf(placements);
        value = value == null ? 1.0 : value;
        weight = weight == null ? 0.0 : weight;
        content = content == null ? Map.of() : content;
        policies = policies == null ? List.of() : List.copyOf(policies);
        triggers = triggers == null ? List.of() : List.copyOf(triggers);
    }

    /** The action with another id (the path id wins over the body's). */
    public Action withId(String newId) {
        return new Action(newId, name, group, issue, channels, placements, eligibility, applicability, suitability, value,
                weight,
                content, policies, product, triggers);
    }

    /** Whether the action is a candidate for a channel and placement (Pega's "has a treatment for the channel"). */
    public boolean offeredOn(String channel, String placement) {
        return channels.contains(channel) && (placement == null || placements.isEmpty() || placements.contains(placement));
    }

    /** The content for a channel: {@code content[channel]} when it is an object, else the whole content. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> contentFor(String channel) {
        Object perChannel = content.get(channel);
        if (perChannel instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        return content;
    }

    /**
     * A journey event that pushes the action, e.g. {@code {"on": "journey.stalled", "journey": "phone-onboarding",
     * "stage": "activating"}}.
     *
     * @param on the journey event: {@code journey.stalled}
     * @param channel the outbound channel; the action's first channel when absent
     */
    public record Trigger(String on, String journey, String stage, String channel) {

        /** Whether a stall of {@code journeyId} in {@code stageId} matches. */
        public boolean matchesStall(String journeyId, String stageId) {
            return "journey.stalled".equals(on) && (journey == null || journey.equals(journeyId))
                    && (stage == null || stage.equals(stageId));
        }
    }
}
