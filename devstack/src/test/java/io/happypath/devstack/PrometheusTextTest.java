package io.happypath.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    private static final String SCRAPE = """
            # TYPE happypath_x_events_consumed_total counter
            happypath_x_events_consumed_total{topic="a",type="t"} 3.0
            happypath_x_events_consumed_total{topic="ab",type="t"} 7.0
            """;

    @Test
    void readsTheExactSeries() {
        assertThat(PrometheusText.value(SCRAPE, "happypath_x_events_consumed_total{topic=\"a\",type=\"t\"}")).isEqualTo(3.0);
        assertThat(PrometheusText.value(SCRAPE, "happypath_x_events_consumed_total{topic=\"ab\",type=\"t\"}")).isEqualTo(7.0);
    }

    @Test
    void aMissingSeriesIsZero() {
        assertThat(PrometheusText.value(SCRAPE, "happypath_x_events_consumed_total{topic=\"b\",type=\"t\"}")).isZero();
    }

    @Test
    void sumsEverySeriesOfAMetricAndNothingElse() {
        String scrape = SCRAPE + "happypath_x_events_consumed_total_other 100.0\nhappypath_x_events_consumed_total 1.0\n";
        assertThat(PrometheusText.sum(scrape, "happypath_x_events_consumed_total")).isEqualTo(11.0);
        assertThat(PrometheusText.sum(scrape, "happypath_y_total")).isZero();
    }

    @Test
    void namesEveryMetricOnceWithoutComments() {
        assertThat(PrometheusText.names(SCRAPE + "jvm_threads_live_threads 12.0\n"))
                .containsExactly("happypath_x_events_consumed_total", "jvm_threads_live_threads");
    }
}
