package org.edgefm.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgefm.sim.SimFixtures.*;

import java.util.List;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.RateModel;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.SystemModel;
import org.junit.jupiter.api.Test;

class ZeroContentionBoundTest {
    private static final LinkSpec AB = new LinkSpec("a", "b", 0.5, 100, 0.25);
    private static final ServiceSpec PRE = lightService("pre", 1.0, 1.0, new RateModel.Deterministic(0.5));
    private static final ServiceSpec ENC = coreService("enc", 3.0, 0.2, 1.0);

    private static SystemModel model(double deadline) {
        return SimFixtures.model(List.of(node("a", 1.0), node("b", 2.0)), List.of(AB), List.of(PRE, ENC),
                List.of(chain("cap", 2.0, deadline, "pre", "enc")), List.of(user("u", "a", 0.5, 3.0)),
                List.of(periodic("u", "cap", 100)));
    }

    @Test
    void bestPlacementFound_bothStagesAtTheDevice_sevenMs() {
        // uplink 2 + pre at a 2 + enc at a 3 = 7 ms beats every placement using b (8.25 and more).
        assertThat(ZeroContentionBound.estimate(model(7.01), 500, 1).onTimeRate()).isEqualTo(1.0);
        assertThat(ZeroContentionBound.estimate(model(6.99), 500, 1).onTimeRate()).isEqualTo(0.0);
    }

    @Test
    void nodeTooSmallForTheService_isNoCandidate() {
        SystemModel m = SimFixtures.model(List.of(new org.edgefm.api.model.NodeSpec("a", org.edgefm.api.model.NodeKind.DEVICE,
                        org.edgefm.api.model.ResourceVector.of(0.5, 0.5, 0, 0), null, 1.0), node("b", 2.0)),
                List.of(AB), List.of(PRE, ENC), List.of(chain("cap", 2.0, 7.01, "pre", "enc")),
                List.of(user("u", "a", 0.5, 3.0)), List.of(periodic("u", "cap", 100)));
        // enc cannot run at a (needs 1 cpu): best is pre at a, enc at b = 8.25 ms > 7.01.
        assertThat(ZeroContentionBound.estimate(m, 200, 1).onTimeRate()).isEqualTo(0.0);
    }
}
