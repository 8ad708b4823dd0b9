package io.happypath.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The launcher as a user runs it: {@code up} brings Kafka and the five packaged services to ready, a second
 * {@code up} starts nothing twice, {@code down} leaves none of our processes running, and {@code up} works again.
 */
class LauncherIT {

    private static final Path STATE = Stack.STATE;
    private static final Map<String, Integer> SERVICES = Stack.SERVICES;
    private static final int KAFKA_PORT = Stack.KAFKA_PORT;

    @BeforeAll
    static void cleanSlate() throws Exception {
        Stack.cleanSlate();
    }

    @Test
    void upStatusDownAndUpAgain() throws Exception {
        Stack.Result up = launcher("up");
        assertThat(up.exitCode()).as(up.output()).isZero();
        SERVICES.forEach((name, port) -> given().baseUri("http://127.0.0.1:" + port).when().get("/q/health/ready")
                .then().statusCode(200).body("status", equalTo("UP")));

        Stack.Result status = launcher("status");
        assertThat(status.output().lines().filter(l -> l.contains(" ready "))).hasSize(SERVICES.size());
        List<Long> pids = recordedPids();
        assertThat(pids).hasSize(SERVICES.size() + 1);

        Stack.Result again = launcher("up");
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(again.output()).doesNotContain("starting");
        assertThat(recordedPids()).containsExactlyInAnyOrderElementsOf(pids);

        Stack.Result token = launcher("token", "analyst");
        assertThat(token.exitCode()).as(token.output()).isZero();
        assertThat(token.output().strip()).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");

        Stack.Result down = launcher("down");
        assertThat(down.exitCode()).as(down.output()).isZero();
        assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty());
        assertThat(recordedPids()).isEmpty();
        assertThat(SERVICES.values()).allSatisfy(port -> assertThat(listening(port)).as("port %d after down", port).isFalse());
        assertThat(listening(KAFKA_PORT)).as("Kafka port after down").isFalse();

        Stack.Result upAgain = launcher("up");
        assertThat(upAgain.exitCode()).as(upAgain.output()).isZero();
        SERVICES.forEach((name, port) -> given().baseUri("http://127.0.0.1:" + port).when().get("/q/health/ready")
                .then().statusCode(200));
    }

    @Test
    void unknownRoleIsRefused() throws Exception {
        Stack.Result token = launcher("token", "superuser");
        assertThat(token.exitCode()).isNotZero();
        assertThat(token.output()).contains("admin", "analyst", "decision-client");
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static List<Long> recordedPids() throws IOException {
        Path pids = STATE.resolve("pids");
        if (!Files.isDirectory(pids)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(pids)) {
            return files.map(f -> {
                try {
                    return Long.parseLong(Files.readString(f).strip());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }
    }

    private static Stack.Result launcher(String... args) throws IOException, InterruptedException {
        return Stack.launcher(args);
    }
}
