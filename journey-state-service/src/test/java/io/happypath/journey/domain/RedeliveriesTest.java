package io.happypath.journey.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedeliveriesTest {

    static Redeliveries.Position at(int partition, long offset, long timestamp) {
        return new Redeliveries.Position("hp.events.v1", partition, offset, timestamp);
    }

    @Test
    void aRecordAtOrBelowTheWatermarkIsSeenHoweverManyCameAfterIt() {
        ProfileState s = new ProfileState("p");
        int window = 8;
        Redeliveries.record(s, "e0", at(1, 100, 1_000), window);
        for (int i = 1; i <= 40; i++) {
            Redeliveries.record(s, "e" + i, at(1, 100 + i, 1_000 + i), window);
        }
        assertThat(Redeliveries.windowSize(s)).isEqualTo(window);
        // e0 left the id window long ago; its record is still recognised by the partition's watermark.
        assertThat(Redeliveries.seen(s, "e0", at(1, 100, 1_000))).isTrue();
        assertThat(Redeliveries.seen(s, "e40", at(1, 140, 1_040))).isTrue();
        // The next record of the partition is new, and so is anything on another partition.
        assertThat(Redeliveries.seen(s, "e41", at(1, 141, 1_041))).isFalse();
        assertThat(Redeliveries.seen(s, "x", at(2, 5, 1_000))).isFalse();
    }

    @Test
    void theIdWindowCatchesTheSameCausePublishedAsANewRecord() {
        ProfileState s = new ProfileState("p");
        Redeliveries.record(s, "cause-1", at(0, 10, 1_000), 8);
        // Published again by its producer: a later offset, but the same CloudEvent id.
        assertThat(Redeliveries.seen(s, "cause-1", at(0, 57, 2_000))).isTrue();
        assertThat(Redeliveries.seen(s, "cause-1", null)).isTrue();
        assertThat(Redeliveries.seen(s, "cause-2", null)).isFalse();
    }

    @Test
    void aRecreatedTopicIsNotMistakenForAReplay() {
        ProfileState s = new ProfileState("p");
        Redeliveries.record(s, "old", at(0, 5_000, 1_000), 8);
        // Offsets start again at 0 but the records are newer than anything applied.
        assertThat(Redeliveries.seen(s, "new", at(0, 3, 5_000))).isFalse();
    }

    @Test
    void theWatermarkKeepsTheHighestOffsetAndTimestamp() {
        ProfileState s = new ProfileState("p");
        Redeliveries.record(s, "a", at(0, 10, 2_000), 8);
        Redeliveries.record(s, "b", at(0, 11, 1_990), 8); // another producer's clock is slightly behind
        assertThat(s.internalWatermarks.get("hp.events.v1/0")).isEqualTo(new ProfileState.Watermark(11, 2_000));
        assertThat(Redeliveries.seen(s, "a", at(0, 10, 2_000))).isTrue();
        assertThat(Redeliveries.seen(s, "b", at(0, 11, 1_990))).isTrue();
    }

    @Test
    void aSurvivorAbsorbsTheCausesOfAMergedProfileWithinItsWindow() {
        ProfileState survivor = new ProfileState("a");
        ProfileState merged = new ProfileState("b");
        for (int i = 0; i < 6; i++) {
            Redeliveries.record(survivor, "a" + i, at(0, i, 1_000 + i), 8);
            Redeliveries.record(merged, "b" + i, at(1, i, 1_000 + i), 8);
        }
        Redeliveries.record(merged, "a5", at(1, 6, 1_006), 8); // both applied it: kept once

        Redeliveries.absorb(survivor, merged, 8);

        assertThat(Redeliveries.windowSize(survivor)).isEqualTo(8);
        // Redirected events carry no position: only their ids can tell.
        assertThat(Redeliveries.seen(survivor, "b5", null)).isTrue();
        assertThat(Redeliveries.seen(survivor, "a5", null)).isTrue();
        assertThat(Redeliveries.seen(survivor, "a0", null)).as("the oldest left the window").isFalse();
        assertThat(survivor.internalWatermarks).as("positions stay the survivor's own").containsOnlyKeys("hp.events.v1/0");
    }

    @Test
    void digestsAreShortAndStable() {
        assertThat(Redeliveries.digest("0b7e5f5c-3b1e-4a43-9d5e-5f0f6c0a1b2c")).hasSize(12)
                .isEqualTo(Redeliveries.digest("0b7e5f5c-3b1e-4a43-9d5e-5f0f6c0a1b2c"))
                .isNotEqualTo(Redeliveries.digest("0b7e5f5c-3b1e-4a43-9d5e-5f0f6c0a1b2d"));
    }
}
