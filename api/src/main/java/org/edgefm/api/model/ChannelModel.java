package org.edgefm.api.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.random.RandomGenerator;
import org.edgefm.api.Check;

/**
 * The wireless channel from a user to its device, as the SNR {@code γ_u} that enters the uplink
 * time {@code A_n / (b_u log2(1 + γ_u))} (paper 1, eq. 1).
 *
 * <p>JSON: {@code {"type": "nakagami", "m": 2.0, "omega": 0.8}} or {@code {"type": "fixed", "snr": 10}}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ChannelModel.Nakagami.class, name = "nakagami"),
        @JsonSubTypes.Type(value = ChannelModel.Fixed.class, name = "fixed")
})
public sealed interface ChannelModel permits ChannelModel.Nakagami, ChannelModel.Fixed {

    /**
     * Draws one SNR value (linear, not dB).
     *
     * @param random the random source (seeded by the caller, so runs repeat)
     * @return one SNR value drawn (linear, not dB)
     */
    double sampleSnr(RandomGenerator random);

    /** {@return the mean SNR (linear)} */
    double meanSnr();

    /**
     * Nakagami-m fading: the power gain {@code |h|^2} is Gamma(m, Ω/m), so {@code γ = snrGain·|h|^2}
     * (assumption: Table I gives {@code m} and {@code Ω} only; {@code snrGain} defaults to 1).
     *
     * @param m       shape, {@code >= 0.5}
     * @param omega   spread Ω (mean power gain)
     * @param snrGain transmit SNR multiplying the power gain; null = 1
     */
    record Nakagami(double m, double omega, Double snrGain) implements ChannelModel {
        /**
         * Validates the parameters.
         *
         * @param m the Nakagami shape {@code m}
         * @param omega the Nakagami spread Ω
         * @param snrGain the mean SNR, linear (the channel's gain times transmit power over noise)
         */
        public Nakagami {
            Check.inRange(m, 0.5, 1e6, "m");
            Check.positive(omega, "omega");
            if (snrGain == null) {
                snrGain = 1.0;
            }
            Check.positive(snrGain, "snrGain");
        }

        @Override
        public double sampleSnr(RandomGenerator random) {
            return snrGain * RateModel.Gamma.sampleGamma(m, random) * omega / m;
        }

        @Override
        public double meanSnr() {
            return snrGain * omega;
        }
    }

    /**
     * A fixed SNR (no fading).
     *
     * @param snr the SNR, linear
     */
    record Fixed(double snr) implements ChannelModel {
        /**
         * Validates the SNR.
         *
         * @param snr the SNR, linear, {@code > 0}
         */
        public Fixed {
            Check.positive(snr, "snr");
        }

        @Override
        public double sampleSnr(RandomGenerator random) {
            return snr;
        }

        @Override
        public double meanSnr() {
            return snr;
        }
    }
}
