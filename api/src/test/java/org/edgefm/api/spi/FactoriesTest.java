package org.edgefm.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.edgefm.api.InvalidFieldException;
import org.junit.jupiter.api.Test;

class FactoriesTest {
    private static final ConfigKey Y = new ConfigKey("t.y", "2", "parallelism", KeyOrigin.SOLVER, "a test key");

    @Test
    void lightFactoryOf_exposesPartsAndPassesTheConfig() {
        int[] seen = new int[1];
        LightServiceControllerFactory f = LightServiceControllerFactory.of("t-light", "test", List.of(Y), config -> {
            seen[0] = config.getInt("t.y", 2);
            return obs -> PlanResult.infeasible(List.of(new Reason("test", "no plan")), null);
        });
        assertThat(f.name()).isEqualTo("t-light");
        assertThat(f.description()).isEqualTo("test");
        assertThat(f.configKeys()).containsExactly(Y);
        assertThat(f.create(PlannerConfig.of(Map.of("t.y", 5)))).isNotNull();
        assertThat(seen[0]).isEqualTo(5);
    }

    @Test
    void perSlotPreset_takesTheControllersNameWithoutCorePlanner() {
        LightServiceControllerFactory f = LightServiceControllerFactory.of("t-light", "test", List.of(), c -> obs -> null);
        assertThat(PlannerPreset.perSlot(f)).isEqualTo(new PlannerPreset("t-light", PlannerPreset.NO_CORE, "t-light", "test"));
    }

    @Test
    void coreFactoryOf_refusesABadName() {
        assertThatThrownBy(() -> CorePlacementPlannerFactory.of("bad/name", "x", List.of(), c -> ctx -> null))
                .isInstanceOf(InvalidFieldException.class)
                .hasMessageStartingWith("name: 'bad/name' contains an MQTT separator");
    }
}
