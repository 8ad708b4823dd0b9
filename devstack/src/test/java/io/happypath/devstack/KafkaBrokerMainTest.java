package io.happypath.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.happypath.contracts.Topics;

class KafkaBrokerMainTest {

    @Test
    void runsAsAProcessUntilTerminated(@TempDir Path work) throws Exception {
        Path dataDir = work.resolve("kafka");
        Path stderr = work.resolve("stderr.txt");
        // The launcher's command line, with the test class path standing in for the jar and target/classpath.txt.
        Process process = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                KafkaBrokerMain.class.getName(),
                "--port", "0",
                "--data-dir", dataDir.toString())
                .redirectError(stderr.toFile())
                .start();
        try {
            String ready = readyLine(process);
            assertThat(ready).as("stdout; stderr was: %s", Files.readString(stderr))
                    .matches("KAFKA READY 127\\.0\\.0\\.1:\\d+");
            String bootstrapServers = ready.substring(KafkaBrokerMain.READY_PREFIX.length());

            assertThat(KafkaBrokerTest.partitions(bootstrapServers, Topics.RAW_EVENTS)).isEqualTo(3);
            KafkaBrokerTest.send(bootstrapServers, Topics.RAW_EVENTS, "anon-1", "{}");
            assertThat(KafkaBrokerTest.readAll(bootstrapServers, Topics.RAW_EVENTS, 1)).containsExactly("anon-1={}");

            process.destroy(); // SIGTERM, as the launcher sends it
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
            assertThat(dataDir.resolve("meta.properties")).exists();
            assertThat(Files.readString(stderr)).doesNotContain("ERROR");
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void parsesItsArguments() {
        KafkaBrokerMain.Options defaults = KafkaBrokerMain.Options.parse(new String[0]);
        assertThat(defaults.port()).isEqualTo(9092);
        assertThat(defaults.dataDir()).isEqualTo(Path.of(".happypath/kafka"));
        assertThat(defaults.logLevel()).isEqualTo(org.jboss.logmanager.Level.WARN);

        KafkaBrokerMain.Options given = KafkaBrokerMain.Options
                .parse(new String[]{"--port", "19092", "--data-dir", "/tmp/k", "--log-level", "info"});
        assertThat(given.port()).isEqualTo(19092);
        assertThat(given.dataDir()).isEqualTo(Path.of("/tmp/k"));
        assertThat(given.logLevel()).isEqualTo(org.jboss.logmanager.Level.INFO);

        for (List<String> wrong : List.of(List.of("--port"), List.of("--port", "x"), List.of("--port", "-1"),
                List.of("--log-level", "LOUD"), List.of("--verbose"))) {
            assertThatThrownBy(() -> KafkaBrokerMain.Options.parse(wrong.toArray(String[]::new)))
                    .as(wrong.toString())
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** The first stdout line, waiting for it up to a minute (a cold JVM on a busy CI machine). */
    private static String readyLine(Process process) {
        BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return stdout.readLine();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(60)).until(line::isDone);
        return line.join();
    }
}
