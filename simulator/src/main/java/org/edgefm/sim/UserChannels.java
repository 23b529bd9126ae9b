package org.edgefm.sim;

import java.util.SplittableRandom;
import org.edgefm.api.model.ChannelModel;

/**
 * The users' radio channels in a simulated fleet: the SNR γ of eq. (1) drawn from each user's
 * {@link ChannelModel} per task (paper 1) or once per user and slot ({@code sim.channel-coherence =
 * slot}, block fading; an assumption, papers.md 4.2), and the last draw per user, which snapshots report.
 */
final class UserChannels {
    private final ChannelModel[] channels;
    private final SplittableRandom random;
    private final boolean perSlot;
    /** Per user the last SNR drawn (its channel's mean before the first draw). */
    final double[] lastSnr;

    UserChannels(CompiledModel m, SplittableRandom random, boolean perSlot) {
        this.channels = m.channels;
        this.random = random;
        this.perSlot = perSlot;
        lastSnr = new double[channels.length];
        for (int u = 0; u < lastSnr.length; u++) {
            lastSnr[u] = channels[u].meanSnr();
        }
        if (perSlot) {
            drawSlot();
        }
    }

    /** True when one draw holds for a user's whole slot. */
    boolean perSlot() {
        return perSlot;
    }

    /** The SNR of user {@code u} for a transmission starting now: the slot's draw or a fresh one. */
    double snr(int u) {
        if (perSlot) {
            return lastSnr[u];
        }
        double snr = channels[u].sampleSnr(random);
        lastSnr[u] = snr;
        return snr;
    }

    /** A new slot began: with per-slot coherence, every user's draw for it. */
    void drawSlot() {
        if (!perSlot) {
            return;
        }
        for (int u = 0; u < channels.length; u++) {
            lastSnr[u] = channels[u].sampleSnr(random);
        }
    }
}
