package io.happypath.analytics;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Decisions and outcomes through the real broker give the experiment's exposures and conversions, and its statistics
 * match values this test computes on its own (numerical integration, not the service's closed forms).
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
class ExperimentTest {

    static final int CONTROL_N = 400;
    static final int CONTROL_X = 40;
    static final int TREATMENT_N = 440;
    static final int TREATMENT_X = 66;
    static final String SUPPRESSIONS = "happypath_analytics_suppressions_total{reason=\"service-issue\"}";

    private static void send(Traffic t, String experiment, String variant, int exposed, int converted) {
        for (int i = 0; i < exposed; i++) {
            String profile = experiment + "-" + variant + "-" + i;
            String decision = t.decision(profile, experiment, variant, t.at(i % 600));
            // A second decision for the same profile is not a second exposure.
            if (i % 10 == 0) {
                t.decision(profile, experiment, variant, t.at(i % 600 + 1));
            }
            t.outcome(decision, profile, "impression", t.at(i % 600 + 2));
            if (i < converted) {
                t.outcome(decision, profile, "converted", t.at(i % 600 + 3));
                // A second conversion of the same profile counts once.
                if (i % 7 == 0) {
                    t.outcome(decision, profile, "converted", t.at(i % 600 + 4));
                }
            }
        }
    }

    @Test
    void statisticsMatchAnIndependentComputation() {
        double suppressionsBefore = WiringTest.metricValue(SUPPRESSIONS);
        String experiment;
        try (Traffic t = new Traffic()) {
            experiment = "exp-stats-" + t.run;
            send(t, experiment, "control", CONTROL_N, CONTROL_X);
            send(t, experiment, "treatment", TREATMENT_N, TREATMENT_X);
        }
        String id = experiment;
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
                .until(() -> get(id).getInt("variants[1].converted") == TREATMENT_X
                        && get(id).getInt("variants[0].converted") == CONTROL_X
                        && get(id).getInt("variants[1].exposed") == TREATMENT_N);
        JsonPath e = get(id);
        assertEquals(CONTROL_N, e.getInt("variants[0].exposed"), "a second decision is no second exposure");
        assertEquals(CONTROL_X, e.getInt("variants[0].converted"), "a second conversion counts once");
        assertEquals(CONTROL_N, e.getInt("variants[0].exposed"));
        assertEquals(TREATMENT_N, e.getInt("variants[1].exposed"));
        // Every decision suppressed the phone ad because of the open service issue: the tone-deaf offers stopped.
        assertTrue(WiringTest.metricValue(SUPPRESSIONS) >= suppressionsBefore + CONTROL_N + TREATMENT_N);
        assertEquals("control", e.getString("control"));
        assertTrue(e.getBoolean("variants[0].control"));
        assertNull(e.get("variants[0].uplift"));

        double pA = (double) CONTROL_X / CONTROL_N;
        double pB = (double) TREATMENT_X / TREATMENT_N;
        double pooled = (double) (CONTROL_X + TREATMENT_X) / (CONTROL_N + TREATMENT_N);
        double z = (pB - pA) / Math.sqrt(pooled * (1 - pooled) * (1.0 / CONTROL_N + 1.0 / TREATMENT_N));
        double pValue = 2 * (1 - phi(Math.abs(z)));
        double varA = pA * (1 - pA) / CONTROL_N;
        double varB = pB * (1 - pB) / TREATMENT_N;
        double uplift = pB / pA - 1;
        double se = Math.sqrt(varB / (pA * pA) + pB * pB * varA / Math.pow(pA, 4));
        double z975 = 1.959963984540054;
        assertEquals(pB, e.getDouble("variants[1].rate"), 1e-12);
        assertEquals(uplift, e.getDouble("variants[1].uplift"), 1e-9);
        assertEquals(uplift - z975 * se, e.getDouble("variants[1].upliftLower"), 1e-9);
        assertEquals(uplift + z975 * se, e.getDouble("variants[1].upliftUpper"), 1e-9);
        assertEquals(z, e.getDouble("variants[1].z"), 1e-9);
        assertEquals(pValue, e.getDouble("variants[1].pValue"), 1e-6);
        assertEquals(chanceToBeat(CONTROL_X, CONTROL_N, TREATMENT_X, TREATMENT_N),
                e.getDouble("variants[1].chanceToBeatControl"), 1e-5);

        // SRM against an equal split, with one degree of freedom: p = 2(1 − Φ(√χ²)).
        double expected = (CONTROL_N + TREATMENT_N) / 2.0;
        double chi = Math.pow(CONTROL_N - expected, 2) / expected + Math.pow(TREATMENT_N - expected, 2) / expected;
        assertEquals(chi, e.getDouble("sampleRatioMismatch.chiSquare"), 1e-9);
        assertEquals(2 * (1 - phi(Math.sqrt(chi))), e.getDouble("sampleRatioMismatch.pValue"), 1e-6);
        assertFalse(e.getBoolean("sampleRatioMismatch.mismatch"));

        // Configured 80/20: 440 of 840 in the 20 % arm is a glaring mismatch.
        JsonPath skewed = given().auth().oauth2(JwtTestResource.token("analyst"))
                .queryParam("allocation", "control:80,treatment:20").get("/v1/experiments/{id}", id)
                .then().statusCode(200).extract().body().jsonPath(Json.DOUBLES);
        assertTrue(skewed.getBoolean("sampleRatioMismatch.mismatch"));
        assertEquals(0.2, skewed.getDouble("sampleRatioMismatch.expectedShare.treatment"), 1e-12);
    }

    @Test
    void sampleRatioIsCheckedAgainstTheSharesTheDecisionLogStates() {
        String experiment;
        try (Traffic t = new Traffic()) {
            experiment = "exp-shares-" + t.run;
            for (int i = 0; i < 300; i++) {
                String variant = i % 10 == 0 ? "control" : "treatment";
                t.decision(experiment + "-" + i, experiment, variant, variant.equals("control") ? 0.1 : 0.9,
                        t.at(i));
            }
        }
        String id = experiment;
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
                .until(() -> get(id).getInt("variants[0].exposed") + get(id).getInt("variants[1].exposed") == 300);
        JsonPath e = get(id);
        // 30 and 270 of 300 is exactly the stated 10/90: no mismatch (against an equal split, χ² would be 192).
        assertEquals(0.1, e.getDouble("sampleRatioMismatch.expectedShare.control"), 1e-12);
        assertEquals(0.9, e.getDouble("sampleRatioMismatch.expectedShare.treatment"), 1e-12);
        assertEquals(0, e.getDouble("sampleRatioMismatch.chiSquare"), 1e-9);
        assertFalse(e.getBoolean("sampleRatioMismatch.mismatch"));
        // An allocation in the request still overrides what the log stated.
        JsonPath equal = given().auth().oauth2(JwtTestResource.token("analyst"))
                .queryParam("allocation", "control:1,treatment:1").get("/v1/experiments/{id}", id)
                .then().statusCode(200).extract().body().jsonPath(Json.DOUBLES);
        assertTrue(equal.getBoolean("sampleRatioMismatch.mismatch"));
    }

    static JsonPath get(String experiment) {
        return given().auth().oauth2(JwtTestResource.token("analyst")).get("/v1/experiments/{id}", experiment)
                .then().statusCode(200).extract().body().jsonPath(Json.DOUBLES);
    }

    /** Φ by Simpson integration of the normal density from 0. */
    static double phi(double x) {
        int n = 20000;
        double h = x / n;
        double sum = density(0) + density(x);
        for (int i = 1; i < n; i++) {
            sum += density(i * h) * (i % 2 == 0 ? 2 : 4);
        }
        return 0.5 + sum * h / 3;
    }

    static double density(double x) {
        return Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
    }

    /** P(θB > θA) = ∫ f_B(x) F_A(x) dx by the midpoint rule on a fine grid. */
    static double chanceToBeat(int xA, int nA, int xB, int nB) {
        int n = 400_000;
        double h = 1.0 / n;
        double cdfA = 0;
        double total = 0;
        for (int i = 0; i < n; i++) {
            double x = (i + 0.5) * h;
            double fA = beta(x, 1 + xA, 1 + nA - xA);
            total += beta(x, 1 + xB, 1 + nB - xB) * (cdfA + fA * h / 2) * h;
            cdfA += fA * h;
        }
        return total;
    }

    static double beta(double x, double a, double b) {
        double logB = lgamma(a) + lgamma(b) - lgamma(a + b);
        return Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log(1 - x) - logB);
    }

    /** ln Γ for integers by summing logarithms (the parameters here are whole numbers). */
    static double lgamma(double a) {
        double s = 0;
        for (int k = 2; k < (int) a; k++) {
            s += Math.log(k);
        }
        return s;
    }
}
