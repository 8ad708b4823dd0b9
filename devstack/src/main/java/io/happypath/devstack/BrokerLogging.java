package io.happypath.devstack;

import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;

import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.Logger;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.ConsoleHandler;

/**
 * Logging set-up for the broker. The broker logs through SLF4J and the Log4j 2 API, both routed to JBoss LogManager (the
 * backend of Quarkus), so levels are set on JBoss LogManager loggers, which keep them for the life of the JVM.
 */
final class BrokerLogging {

    /**
     * Broker-side categories: the broker logs every segment roll, group join and topic change at INFO. Kafka clients
     * ({@code org.apache.kafka.clients}, {@code org.apache.kafka.common}) are the services' own business and stay as
     * configured.
     */
    static final List<String> BROKER_CATEGORIES = List.of(
            "kafka",
            "state.change.logger",
            "org.apache.kafka.controller",
            "org.apache.kafka.coordinator",
            "org.apache.kafka.image",
            "org.apache.kafka.metadata",
            "org.apache.kafka.queue",
            "org.apache.kafka.raft",
            "org.apache.kafka.security",
            "org.apache.kafka.server",
            "org.apache.kafka.snapshot",
            "org.apache.kafka.storage");

    static final String JUL_MANAGER_PROPERTY = "java.util.logging.manager";

    private BrokerLogging() {
    }

    /**
     * Makes JBoss LogManager the {@code java.util.logging} manager of a command-line process, as Quarkus and the test
     * runners do. Must run before anything touches {@code java.util.logging}: JBoss LogManager complains on stderr
     * otherwise.
     */
    static void useJBossLogManager() {
        if (System.getProperty(JUL_MANAGER_PROPERTY) == null) {
            System.setProperty(JUL_MANAGER_PROPERTY, "org.jboss.logmanager.LogManager");
        }
    }

    /**
     * Sets the broker categories to {@code level} where nothing set them before, so that a service's
     * {@code quarkus.log.category."kafka".level} still wins.
     */
    static void quietBroker(Level level) {
        LogContext context = LogContext.getLogContext();
        for (String category : BROKER_CATEGORIES) {
            Logger logger = context.getLogger(category);
            if (logger.getLevel() == null) {
                logger.setLevel(level);
            }
        }
    }

    /**
     * Logging of a process that runs no Quarkus application (the standalone broker, devstack's own tests): everything
     * at INFO and above, Kafka at {@code kafkaLevel}, to stderr, since stdout carries the readiness line the launcher
     * waits for.
     *
     * <p>
     * The root handler it replaces is Quarkus's start-up handler (quarkus-test-common puts Quarkus's logging
     * bootstrap on the class path): it holds records until a Quarkus application configures logging, which never
     * happens here, and its root level ALL would have Kafka build every TRACE message.
     */
    static void logToConsole(Level kafkaLevel) {
        LogContext context = LogContext.getLogContext();
        Logger root = context.getLogger("");
        ConsoleHandler console = new ConsoleHandler(ConsoleHandler.Target.SYSTEM_ERR,
                new PatternFormatter("%d{HH:mm:ss,SSS} %-5p [%c{1.}] (%t) %s%e%n"));
        console.setAutoFlush(true);
        root.setHandlers(new Handler[]{console});
        root.setLevel(Level.INFO);
        context.getLogger("org.apache.kafka").setLevel(kafkaLevel);
        for (String category : BROKER_CATEGORIES) {
            context.getLogger(category).setLevel(kafkaLevel);
        }
    }
}
