package io.happypath.identity.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PhoneNumbersTest {

    final PhoneNumbers noRegion = new PhoneNumbers();
    final PhoneNumbers us = new PhoneNumbers("us");
    final PhoneNumbers germany = new PhoneNumbers("DE");

    @Test
    void numbersWithTheirCountryCodeBecomeE164WhateverTheRegion() {
        for (PhoneNumbers phones : new PhoneNumbers[]{noRegion, us, germany}) {
            assertThat(phones.normalise("+1 (415) 555-2671")).isEqualTo("+14155552671");
            assertThat(phones.normalise("+49 30 1234-567")).isEqualTo("+49301234567");
            assertThat(phones.normalise("0044 20 7946 0958")).isEqualTo("+442079460958");
            assertThat(phones.normalise("+44 (0)20 7946 0958")).isEqualTo("+442079460958");
        }
    }

    @Test
    void nationalNumbersUseTheDefaultRegion() {
        assertThat(us.normalise("(415) 555-2671")).isEqualTo("+14155552671");
        assertThat(us.normalise("1-415-555-2671")).isEqualTo("+14155552671");
        assertThat(us.normalise("011 49 30 1234567")).isEqualTo("+49301234567");
        assertThat(germany.normalise("030 1234567")).isEqualTo("+49301234567");
        assertThat(germany.normalise("0171/1234567")).isEqualTo("+491711234567");
    }

    @Test
    void withoutARegionNationalNumbersStayDigits() {
        assertThat(noRegion.normalise("030 1234567")).isEqualTo("0301234567");
        assertThat(noRegion.normalise("(415) 555-2671")).isEqualTo("4155552671");
    }

    @Test
    void whatIsNotAPossibleNumberIsKeptAsWritten() {
        assertThat(noRegion.normalise("+12")).isEqualTo("+12");
        assertThat(germany.normalise(" call me ")).isEqualTo("call me");
        assertThat(us.normalise("12")).isEqualTo("12");
    }

    @Test
    void normalisingTwiceChangesNothing() {
        String once = germany.normalise("030 1234567");
        assertThat(germany.normalise(once)).isEqualTo(once);
        assertThat(us.normalise(once)).isEqualTo(once);
    }

    @Test
    void anUnknownRegionIsAConfigurationError() {
        assertThatThrownBy(() -> new PhoneNumbers("Germany")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unknown phone region 'Germany'");
    }
}
