package io.happypath.devstack.sim;

/**
 * One simulated customer: the identifiers each channel knows them by. Identifiers carry the run id, so that a second
 * run with the same seed sends the same behaviour from new people instead of being deduplicated or folded into the
 * first run's profiles.
 *
 * @param number the customer's number within the run, from 0
 * @param run the run id
 * @param persona how the customer behaves
 */
public record Customer(int number, String run, Persona persona) {

    /** The anonymous id of the customer's browser (analytics.js). */
    public String webAnonymousId() {
        return "web-" + run + "-" + number;
    }

    /** The anonymous id of the customer's phone app install (the mobile libraries). */
    public String appAnonymousId() {
        return "app-" + run + "-" + number;
    }

    /** The customer number the brand's systems (store till, CRM, call centre) use. */
    public String userId() {
        return "cust-" + run + "-" + number;
    }

    public String email() {
        return "customer-" + number + "." + run + "@example.com";
    }
}
