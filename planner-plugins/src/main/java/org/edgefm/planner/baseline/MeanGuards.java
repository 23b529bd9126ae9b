package org.edgefm.planner.baseline;

import org.edgefm.planner.twotier.LightEngine;
import org.edgefm.planner.twotier.LightSettings;

/** The engine guards of the mean-sized light baselines. */
final class MeanGuards {
    private MeanGuards() {
    }

    /**
     * Admission by {@code light.admission} (the same for every light controller, so a comparison is
     * fair), idle pairs with backlog sized (the baselines' {@code light.drain-backlog} needs them), and no
     * release hysteresis ({@code ec-lyapunov}'s ski rental; the mean sizer releases at once).
     */
    static LightEngine.Guards of(LightSettings s) {
        return new LightEngine.Guards(s.admission(), true, false);
    }
}
