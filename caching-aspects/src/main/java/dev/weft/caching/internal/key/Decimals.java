package dev.weft.caching.internal.key;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Writes {@code double} and {@code float} values as the shortest decimal that reads back as the same value, laid out
 * the way {@link Double#toString(double)} lays it out, but the same on every JDK.
 *
 * <p>{@code Double.toString} changed in JDK 19 (it now always picks the shortest decimal): JDK 17 writes
 * {@code 1.0E23} as {@code 9.999999999999999E22}, JDK 25 as {@code 1.0E23}. A key that contains a {@code double} must
 * not differ between two instances of a fleet that run different JDKs, so the digits are chosen here with exact
 * {@link BigDecimal} arithmetic: for 2, 3, ... significant digits, round the exact binary value to nearest (ties to
 * even) and keep the first that parses back to the same value. That is the shortest decimal, and among the shortest
 * the nearest one, so on JDK 19+ the text equals {@code Double.toString}'s. Costs microseconds: used only when a key
 * is written out (a miss, an invalidation, a log line), never on a hit.
 *
 * <p>Like JDK 19's {@code Double.toString}, the search starts at two significant digits: where one digit would do, the
 * nearest two-digit decimal is chosen ({@code 2.0E23}, {@code 4.9E-324}, not {@code 5.0E-324}).
 */
final class Decimals {

    private static final MathContext[] PRECISION = new MathContext[18];

    static {
        for (int p = 1; p < PRECISION.length; p++) {
            PRECISION[p] = new MathContext(p, RoundingMode.HALF_EVEN);
        }
    }

    private Decimals() {
    }

    /** The text of {@code d}: {@code 1.5}, {@code 100.0}, {@code 1.0E23}, {@code -0.0}, {@code NaN}, ... */
    static String toText(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return Double.doubleToRawLongBits(d) == 0 ? "0.0" : "-0.0";
        }
        BigDecimal exact = new BigDecimal(d);
        for (int p = 2; p <= 17; p++) {
            BigDecimal r = exact.round(PRECISION[p]);
            if (Double.parseDouble(r.toString()) == d) {
                return layout(r);
            }
        }
        return layout(exact.round(PRECISION[17]));
    }

    /** The text of {@code f}, chosen among decimals that read back as the same {@code float}. */
    static String toText(float f) {
        if (Float.isNaN(f)) {
            return "NaN";
        }
        if (Float.isInfinite(f)) {
            return f > 0 ? "Infinity" : "-Infinity";
        }
        if (f == 0) {
            return Float.floatToRawIntBits(f) == 0 ? "0.0" : "-0.0";
        }
        BigDecimal exact = new BigDecimal(f);
        for (int p = 2; p <= 9; p++) {
            BigDecimal r = exact.round(PRECISION[p]);
            if (Float.parseFloat(r.toString()) == f) {
                return layout(r);
            }
        }
        return layout(exact.round(PRECISION[9]));
    }

    /**
     * {@code Double.toString}'s layout: plain between 10<sup>-3</sup> and 10<sup>7</sup> with at least one digit after
     * the point, otherwise one digit, a point, at least one more digit and an exponent ({@code 1.0E-5}).
     */
    private static String layout(BigDecimal value) {
        BigDecimal v = value.stripTrailingZeros();
        String digits = v.unscaledValue().abs().toString();
        int n = digits.length();
        int exponent = n - 1 - v.scale();
        StringBuilder sb = new StringBuilder(n + 8);
        if (v.signum() < 0) {
            sb.append('-');
        }
        if (exponent >= -3 && exponent < 7) {
            if (exponent >= 0) {
                int whole = exponent + 1;
                if (n <= whole) {
                    sb.append(digits).append("0".repeat(whole - n)).append(".0");
                } else {
                    sb.append(digits, 0, whole).append('.').append(digits, whole, n);
                }
            } else {
                sb.append("0.").append("0".repeat(-exponent - 1)).append(digits);
            }
        } else {
            sb.append(digits.charAt(0)).append('.');
            if (n > 1) {
                sb.append(digits, 1, n);
            } else {
                sb.append('0');
            }
            sb.append('E').append(exponent);
        }
        return sb.toString();
    }
}
