package io.happypath.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** NOTES.txt tells the user how to reach the collector, get a token and open the dashboard. */
class NotesTest {

    /** A client-only dry-run install renders NOTES.txt, which {@code helm template} skips. */
    static String notes(Path valuesFile) {
        var install = Manifests.chart().install().withName(Manifests.RELEASE).withNamespace(Manifests.NAMESPACE)
                .withKubeVersion(Manifests.KUBE_VERSION).dryRun().clientOnly();
        if (valuesFile != null) {
            install = install.withValuesFile(valuesFile);
        }
        String output = install.call().getOutput();
        assertThat(output).contains("NOTES:");
        return output.substring(output.indexOf("NOTES:"));
    }

    @Test
    void withoutIngressTheNotesPortForward() {
        String notes = notes(null);
        assertThat(notes).contains("kubectl -n hp port-forward svc/happypath-event-collector 8081:80",
                "get secret happypath-write-keys -o jsonpath='{.data.web}'", "/v1/track",
                "secret \"happypath-jwt\"", "iss \"https://happypath.example.com\"",
                "kubectl -n hp port-forward svc/happypath-analytics-service 8085:80",
                "metrics.serviceMonitor.enabled=true", "set services.decision.upstreamTokenSecret");
    }

    @Test
    void withIngressTheNotesGiveTheUrls() {
        String notes = notes(Manifests.EVERYTHING);
        assertThat(notes).contains("COLLECTOR=https://collector.example.com", "http://analytics.example.com/")
                .doesNotContain("port-forward svc/happypath-event-collector")
                .doesNotContain("metrics.serviceMonitor.enabled=true")
                .doesNotContain("services.decision.upstreamTokenSecret");
    }
}
