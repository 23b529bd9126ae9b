package org.edgefm.host.http;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.edgefm.api.PlannerPlugin;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.spi.CoreAssignment;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementContext;
import org.edgefm.api.spi.CorePlacementPlanner;
import org.edgefm.api.spi.CorePlacementPlannerFactory;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.api.spi.PlannerConfig;

/**
 * Test core planner {@code slow-core}: places every core service on the first node at start, and
 * takes up to 10 s (the host's default core budget) over every later re-plan, until the test releases
 * it. {@link #inReplan} tells whether a re-plan is running right now.
 */
public final class SlowCorePlugin implements PlannerPlugin {
    static volatile CountDownLatch entered = new CountDownLatch(1);
    static volatile CountDownLatch release = new CountDownLatch(1);
    static volatile boolean inReplan;

    /** Arms the plugin for one test. */
    static void reset() {
        entered = new CountDownLatch(1);
        release = new CountDownLatch(1);
        inReplan = false;
    }

    @Override
    public String name() {
        return "test-slow";
    }

    @Override
    public List<CorePlacementPlannerFactory> corePlacementPlanners() {
        return List.of(new CorePlacementPlannerFactory() {
            @Override
            public String name() {
                return "slow-core";
            }

            @Override
            public String description() {
                return "core services on the first node; every re-plan takes up to 10 s";
            }

            @Override
            public CorePlacementPlanner create(PlannerConfig config) {
                return ctx -> {
                    if (ctx.trigger() != CorePlacementContext.Trigger.START) {
                        inReplan = true;
                        entered.countDown();
                        try {
                            release.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } finally {
                            inReplan = false;
                        }
                    }
                    String first = ctx.model().topology().nodes().get(0).id();
                    List<CoreAssignment> as = new ArrayList<>();
                    for (ServiceSpec s : ctx.model().services(ServiceKind.CORE)) {
                        as.add(new CoreAssignment(first, s.id(), 1));
                    }
                    return PlanResult.planned(new CorePlacement(as, java.util.Map.of()));
                };
            }
        });
    }
}
