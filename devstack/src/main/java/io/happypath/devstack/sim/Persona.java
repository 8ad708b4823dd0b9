package io.happypath.devstack.sim;

import static java.time.Duration.ofDays;
import static java.time.Duration.ofHours;
import static java.time.Duration.ofMinutes;

import java.util.Map;
import java.util.Random;

/**
 * The kinds of customers the simulator plays, each with its own channel habits, intent and way of answering offers.
 * The shares add up to 1. Event names follow Segment's e-commerce spec and the sample journeys (docs/demo.md).
 */
public enum Persona {

    /**
     * The story Happypath exists for: researches a phone on the web anonymously, buys it in the store, fails to
     * activate it in the app, calls support without a resolution, and comes back to the web site. Some get their
     * problem solved days later and finish the activation.
     */
    STRUGGLING_ACTIVATOR(0.2, Map.of("activation-help", 0.7, "new-phone-offer", 0.01)) {

        @Override
        void write(Script s) {
            s.session("web").view("Phones", "category", "phone")
                    .track("Product Viewed", "product_id", "phone-x", "category", "phone", "price", 899)
                    .track("Product Viewed", "product_id", "phone-x-pro", "category", "phone", "price", 1099)
                    .decide("home-hero")
                    .waitFor(ofHours(2), ofHours(30))
                    .session("store").identify("name", "Store customer", "preferredStore", "city-centre")
                    .track("Order Completed", "order_id", "store-" + s.random().nextInt(1_000_000), "category", "phone",
                            "revenue", 899, "currency", "EUR")
                    .waitFor(ofHours(1), ofHours(6))
                    .session("app").identify().view("Welcome")
                    .track("Activation Started", "step", "sim")
                    .track("Activation Failed", "step", "sim", "reason", "SIM not recognised", "success", false)
                    .track("Activation Started", "step", "sim")
                    .track("Activation Failed", "step", "sim", "reason", "SIM not recognised", "success", false)
                    .waitFor(ofMinutes(10), ofMinutes(90))
                    .session("callcenter").track("Support Ticket Opened", "topic", "activation", "sentiment", "negative")
                    .track("Support Call Ended", "topic", "activation", "resolved", false, "sentiment", "very negative")
                    .waitFor(ofHours(2), ofHours(20))
                    .session("web").identify().view("Home").decide("home-hero")
                    .maybe(0.55, then -> then.waitFor(ofDays(2), ofDays(4))
                            .session("callcenter")
                            .track("Support Ticket Resolved", "topic", "activation", "csat", 4, "sentiment", "positive")
                            .waitFor(ofHours(1), ofHours(5))
                            .session("app").track("Activation Started", "step", "sim")
                            .track("Activation Completed", "step", "sim")
                            .waitFor(ofDays(1), ofDays(4))
                            .session("web").view("Home").decide("home-hero"));
        }
    },

    /** Researches on the web, buys in the store or online, activates in the app without trouble, stays loyal. */
    SMOOTH_BUYER(0.25, Map.of("new-phone-offer", 0.04, "accessory-bundle", 0.25, "plan-upgrade", 0.15)) {

        @Override
        void write(Script s) {
            s.session("web").view("Home").track("Products Searched", "query", "phone")
                    .track("Product Viewed", "product_id", "phone-x", "category", "phone", "price", 899)
                    .decide("home-hero")
                    .waitFor(ofHours(4), ofDays(3));
            if (s.random().nextDouble() < 0.6) {
                s.session("store").identify("name", "Store customer")
                        .track("Order Completed", "order_id", "store-" + s.random().nextInt(1_000_000), "category",
                                "phone", "revenue", 899, "currency", "EUR");
            } else {
                s.session("web").identify().track("Product Added", "product_id", "phone-x", "category", "phone")
                        .track("Checkout Started", "revenue", 899).decide("checkout")
                        .track("Order Completed", "order_id", "web-" + s.random().nextInt(1_000_000), "category",
                                "phone", "revenue", 899, "currency", "EUR");
            }
            s.waitFor(ofHours(1), ofHours(8))
                    .session("app").identify().view("Welcome")
                    .track("Activation Started", "step", "sim").track("Activation Completed", "step", "sim")
                    .waitFor(ofDays(1), ofDays(6))
                    .session("app").view("Usage").track("Feature Used", "feature", "data-usage").decide("home-hero")
                    .maybe(0.4, then -> then.waitFor(ofDays(1), ofDays(4))
                            .session("email").track("Email Opened", "campaign", "review-request")
                            .track("Review Submitted", "rating", 5, "sentiment", "positive"));
        }
    },

    /** Prefers sustainable options (a trait): at checkout the eco-friendly delivery wins over express shipping. */
    ECO_MINDED(0.15, Map.of("eco-delivery", 0.8, "express-shipping", 0.3, "accessory-bundle", 0.1)) {

        @Override
        void write(Script s) {
            s.session("web").view("Home")
                    .identify("prefersSustainable", true, "newsletter", "green-picks")
                    .track("Product Viewed", "product_id", "case-recycled", "category", "accessory", "price", 29)
                    .track("Product Added", "product_id", "case-recycled", "category", "accessory")
                    .track("Checkout Started", "revenue", 29).decide("checkout")
                    .track("Order Completed", "order_id", "web-" + s.random().nextInt(1_000_000), "category",
                            "accessory", "revenue", 29, "currency", "EUR")
                    .waitFor(ofDays(2), ofDays(8))
                    .session("email").track("Email Opened", "campaign", "green-picks")
                    .track("Email Link Clicked", "campaign", "green-picks")
                    .waitFor(ofMinutes(1), ofMinutes(5))
                    .session("web").view("Green picks").decide("home-hero");
        }
    },

    /** Browses the web and the app, adds to the cart now and then, rarely buys. */
    WINDOW_SHOPPER(0.25, Map.of("new-phone-offer", 0.12, "accessory-bundle", 0.08)) {

        @Override
        void write(Script s) {
            String first = s.random().nextBoolean() ? "web" : "app";
            s.session(first).view("Home").track("Products Searched", "query", "phone")
                    .track("Product Viewed", "product_id", "phone-x", "category", "phone", "price", 899)
                    .decide("home-hero")
                    .waitFor(ofHours(6), ofDays(5))
                    .session("web").view("Phones", "category", "phone")
                    .track("Product Viewed", "product_id", "phone-x-pro", "category", "phone", "price", 1099)
                    .maybe(0.4, then -> then.track("Product Added", "product_id", "phone-x-pro", "category", "phone")
                            .track("Checkout Started", "revenue", 1099).decide("checkout"))
                    .decide("home-hero");
        }
    },

    /** An existing customer who answers e-mail campaigns, buys a plan on the web and uses the app. */
    EMAIL_RESPONDER(0.15, Map.of("plan-upgrade", 0.2, "loyalty-reward", 0.3)) {

        @Override
        void write(Script s) {
            s.session("email").track("Email Opened", "campaign", "spring-plans")
                    .track("Email Link Clicked", "campaign", "spring-plans")
                    .waitFor(ofMinutes(1), ofMinutes(10))
                    .session("web").identify().view("Plans")
                    .track("Product Viewed", "product_id", "plan-unlimited", "category", "plan", "price", 30)
                    .decide("home-hero")
                    .maybe(0.5, then -> then.track("Order Completed", "order_id", "web-" + s.random().nextInt(1_000_000),
                            "category", "plan", "revenue", 30, "currency", "EUR")
                            .waitFor(ofDays(1), ofDays(5))
                            .session("app").identify().view("Usage").track("Feature Used", "feature", "roaming")
                            .decide("home-hero"));
        }
    };

    private final double share;
    private final Map<String, Double> clickChance;

    Persona(double share, Map<String, Double> clickChance) {
        this.share = share;
        this.clickChance = clickChance;
    }

    abstract void write(Script script);

    /** How likely this kind of customer clicks an action they are shown; actions not listed: 5 %. */
    public double clickChance(String actionId) {
        return clickChance.getOrDefault(actionId, 0.05);
    }

    /** A persona drawn by share. */
    static Persona draw(Random random) {
        double point = random.nextDouble();
        double cumulative = 0;
        for (Persona p : values()) {
            cumulative += p.share;
            if (point < cumulative) {
                return p;
            }
        }
        return values()[values().length - 1];
    }
}
