package io.happypath.identity.domain;

import java.util.Locale;
import java.util.regex.Pattern;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/**
 * Normalises {@code phone} identifiers to E.164 ({@code +493012345678}) with Google's libphonenumber, so that the
 * same number written {@code +49 30 1234-5678}, {@code 0049 30 12345678} or, with the default region DE,
 * {@code 030 12345678} is one identifier.
 * <p>
 * A number that carries its country code ({@code +}, or the international prefix {@code 00}) is read as such; a
 * national number only when a default region is configured. What cannot be read that way stays as written without
 * separators (digits only) or, when it is not a number at all, as given: it still identifies someone, just not across
 * spellings.
 */
public final class PhoneNumbers {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final Pattern SEPARATORS = Pattern.compile("[\\s().\\-/]");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    /** libphonenumber's region for "unknown": only numbers with a country code parse. */
    private static final String UNKNOWN_REGION = "ZZ";

    private final String defaultRegion;

    /** Without a default region: national numbers stay digits. */
    public PhoneNumbers() {
        this.defaultRegion = UNKNOWN_REGION;
    }

    /**
     * @param defaultRegion the ISO 3166-1 alpha-2 region of numbers written without a country code, e.g. {@code DE}
     * @throws IllegalArgumentException when libphonenumber does not know the region
     */
    public PhoneNumbers(String defaultRegion) {
        String region = defaultRegion.trim().toUpperCase(Locale.ROOT);
        if (!UTIL.getSupportedRegions().contains(region)) {
            throw new IllegalArgumentException("Unknown phone region '" + defaultRegion
                    + "': use an ISO 3166-1 alpha-2 code such as US, GB or DE");
        }
        this.defaultRegion = region;
    }

    /** The number in E.164 where it can be read, otherwise as described in the class comment. */
    public String normalise(String value) {
        String v = value.trim();
        String compact = SEPARATORS.matcher(v).replaceAll("");
        // 00 is the international prefix of most of the world; libphonenumber only knows it for a given region.
        String candidate = compact.startsWith("00") ? "+" + compact.substring(2) : compact;
        if (candidate.startsWith("+") || !UNKNOWN_REGION.equals(defaultRegion)) {
            try {
                PhoneNumber number = UTIL.parse(candidate, defaultRegion);
                if (UTIL.isPossibleNumber(number)) {
                    return UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
                }
            } catch (NumberParseException e) {
                // not a phone number libphonenumber can read: keep it as written
            }
        }
        return DIGITS.matcher(compact).matches() ? compact : v;
    }
}
