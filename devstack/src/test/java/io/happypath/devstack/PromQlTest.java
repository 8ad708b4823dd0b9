package io.happypath.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlTest {

    @Test
    void namesTheQueriedMetricsNotFunctionsLabelsOrStrings() {
        assertThat(PromQl.metricNames("histogram_quantile(0.99, sum by (le, service) (rate(happypath_x_seconds_bucket"
                + "{namespace=\"a\",status=~\"5..\"}[5m]))) / scalar(up{job=\"j\"})"))
                .containsExactlyInAnyOrder("happypath_x_seconds_bucket", "up");
        assertThat(PromQl.metricNames("sum without (pod) (increase(kafka_producer_topic_record_send_total"
                + "{topic=~\".+\\\\.dlq\"}[15m])) > 0 or max(jvm_threads_live_threads)"))
                .containsExactlyInAnyOrder("kafka_producer_topic_record_send_total", "jvm_threads_live_threads");
    }
}
