package io.happypath.analytics;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.happypath.devstack.JwtTestResource;
import io.happypath.devstack.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The dashboard in a real headless browser: Debian's chromium driven by playwright-core (src/test/browser). The page
 * loads without console errors, draws the Sankey with the expected node labels and the decision performance panel
 * (suppressions by reason, tone-deaf offers stopped, per-action rows), and a screenshot is kept in
 * target/dashboard.png. Needs {@code apt-get install chromium} and {@code npm ci --prefix analytics-service/src/test/browser};
 * the test installs nothing itself and fails saying what is missing.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(JwtTestResource.class)
class DashboardBrowserTest {

    static final Path BROWSER_DIR = Path.of("src/test/browser");
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

    @TestHTTPResource("/")
    URI root;

    @Test
    void servesThePageAndItsScripts() {
        given().get("/").then().statusCode(200).body(containsString("<div id=\"sankey\""));
        given().get("/dashboard.js").then().statusCode(200);
        given().get("/_static/echarts/6.0.0/dist/echarts.min.js").then().statusCode(200);
    }

    @Test
    void drawsTheSankeyInAHeadlessBrowser() throws IOException, InterruptedException {
        assertTrue(Files.isExecutable(CHROMIUM), "the browser test needs Debian's chromium: apt-get install chromium");
        assertTrue(Files.isDirectory(BROWSER_DIR.resolve("node_modules/playwright-core")),
                "the browser test needs playwright-core: npm ci --prefix analytics-service/src/test/browser");
        String journey;
        String experiment;
        Traffic t = new Traffic();
        try (t) {
            journey = "dash-" + t.run;
            experiment = "dash-exp-" + t.run;
            for (int i = 0; i < 12; i++) {
                String p = "dash-" + t.run + "-" + i;
                t.track(p, "store", "Order Completed", t.at(i));
                t.stageEntered(p, journey, "purchased", "store", t.at(i));
                if (i % 3 != 0) {
                    t.track(p, "callcenter", "Support Ticket Opened", t.at(i + 5));
                } else {
                    t.track(p, "app", "Activation Completed", t.at(i + 5));
                    t.stageEntered(p, journey, "activated", "app", t.at(i + 5));
                }
                t.decision(p, experiment, i % 2 == 0 ? "control" : "treatment", t.at(i));
            }
        }
        String token = JwtTestResource.token("analyst");
        // Every decision of the data set left out the phone ad for an open service issue.
        long toneDeaf = 12;
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> given().auth().oauth2(token)
                .queryParam("from", t.from()).queryParam("to", t.to()).queryParam("journey", journey).get("/v1/paths")
                .then().extract().jsonPath().getLong("profiles") == 12
                && given().auth().oauth2(token).get("/v1/experiments/{id}", experiment).statusCode() == 200
                && given().auth().oauth2(token).queryParam("from", t.from()).queryParam("to", t.to())
                        .get("/v1/actions/performance").then().extract().jsonPath().getLong("toneDeafStopped") == toneDeaf);

        Path screenshot = Path.of("target/dashboard.png");
        Files.deleteIfExists(screenshot);
        String url = root.resolve("/") + "#token=" + token + "&journey=" + enc(journey) + "&experiment=" + enc(experiment)
                + "&from=" + enc(t.from()) + "&to=" + enc(t.to()) + "&refresh=0";
        List<String> command = new ArrayList<>(List.of("node", "dashboard-check.mjs", url,
                screenshot.toAbsolutePath().toString(), "store · Order Completed", "callcenter · Support Ticket Opened",
                "app · Activation Completed", "drop-off",
                // Decision performance: the suppression reason in the bar chart, the tone-deaf total, the actions' rows.
                "--performance=service-issue", "--performance=" + toneDeaf + " tone-deaf offers stopped",
                "--performance=new-phone-ad", "--performance=activation-help"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(BROWSER_DIR.toFile()).redirectErrorStream(true);
        builder.environment().put("CHROMIUM", CHROMIUM.toString());
        Process process = builder.start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the browser check did not finish in 2 minutes");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), "browser check failed: " + output);
        assertTrue(output.contains("\"consoleErrors\":[]"), output);
        assertTrue(Files.size(screenshot) > 10_000, "screenshot kept in " + screenshot);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
