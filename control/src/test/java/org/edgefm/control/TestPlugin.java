package org.edgefm.control;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.api.PlannerPlugin;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.spi.CoreAssignment;
import org.edgefm.api.spi.CorePlacement;
import org.edgefm.api.spi.CorePlacementPlanner;
import org.edgefm.api.spi.CorePlacementPlannerFactory;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.LightServiceController;
import org.edgefm.api.spi.LightServiceControllerFactory;
import org.edgefm.api.spi.NodeObservation;
import org.edgefm.api.spi.PlanResult;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.api.spi.PlannerPreset;
import org.edgefm.api.spi.RoutingTable;
import org.edgefm.api.spi.ServiceAllocation;

/**
 * Test planners: {@code first-fit} places each core service on the first node not offline with a
 * failover to the next; {@code one-each} runs one instance of every light service on every online
 * node; {@code throw-after} decides like one-each for {@code throw-after.slots} slots, then throws;
 * {@code sleepy} sleeps {@code sleepy.ms} per call; {@code gated} places like first-fit once the test
 * released a permit of its gate; {@code prepares} decides like one-each and records its calls ({@link #PREPARES}).
 */
public final class TestPlugin implements PlannerPlugin {
    @Override
    public String name() {
        return "test";
    }

    /**
     * What each {@code prepares} controller was asked, by {@code prepares.name}: "prepare N THREAD" and
     * "decide N THREAD", N the core assignments of the placement it was given.
     */
    public static final Map<String, List<String>> PREPARES = new java.util.concurrent.ConcurrentHashMap<>();

    /** Permits of the {@code gated} core planner by {@code gated.name}: each call takes one, waiting for it. */
    public static final Map<String, java.util.concurrent.Semaphore> GATES = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public List<CorePlacementPlannerFactory> corePlacementPlanners() {
        return List.of(firstFit(), flaky(), new CorePlacementPlannerFactory() {
            @Override
            public String name() {
                return "gated";
            }

            @Override
            public String description() {
                return "first-fit once the test hands it a permit (GATES)";
            }

            @Override
            public CorePlacementPlanner create(PlannerConfig config) {
                CorePlacementPlanner inner = firstFit().create(config);
                java.util.concurrent.Semaphore gate = GATES.computeIfAbsent(config.getString("gated.name", "default"),
                        k -> new java.util.concurrent.Semaphore(0));
                return ctx -> {
                    gate.acquireUninterruptibly();
                    return inner.place(ctx);
                };
            }
        });
    }

    /** First-fit after its first {@code flaky.failures} calls (default 1) have thrown. */
    private static CorePlacementPlannerFactory flaky() {
        return new CorePlacementPlannerFactory() {
            @Override
            public String name() {
                return "flaky";
            }

            @Override
            public String description() {
                return "throws on its first flaky.failures calls, then places as first-fit";
            }

            @Override
            public CorePlacementPlanner create(PlannerConfig config) {
                CorePlacementPlanner inner = firstFit().create(config);
                java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(
                        config.getInt("flaky.failures", 1));
                return ctx -> {
                    if (left.getAndDecrement() > 0) {
                        throw new IllegalStateException("flaky core planner: not yet");
                    }
                    return inner.place(ctx);
                };
            }
        };
    }

    private static CorePlacementPlannerFactory firstFit() {
        return new CorePlacementPlannerFactory() {
            @Override
            public String name() {
                return "first-fit";
            }

            @Override
            public String description() {
                return "each core service on the first node not offline";
            }

            @Override
            public CorePlacementPlanner create(PlannerConfig config) {
                return ctx -> {
                    List<String> up = new ArrayList<>();
                    for (NodeSpec n : ctx.model().topology().nodes()) {
                        if (!ctx.offlineNodes().contains(n.id())) {
                            up.add(n.id());
                        }
                    }
                    List<CoreAssignment> as = new ArrayList<>();
                    Map<String, List<CoreAssignment>> failover = new LinkedHashMap<>();
                    for (ServiceSpec s : ctx.model().services(ServiceKind.CORE)) {
                        if (!up.isEmpty()) {
                            as.add(new CoreAssignment(up.get(0), s.id(), 1));
                            if (up.size() > 1) {
                                failover.computeIfAbsent(up.get(0), k -> new ArrayList<>())
                                        .add(new CoreAssignment(up.get(1), s.id(), 1));
                            }
                        }
                    }
                    return PlanResult.planned(new CorePlacement(as, failover));
                };
            }
        };
    }

    /** What the {@code record} controller was given, in order. */
    public static final List<org.edgefm.api.spi.SlotObservation> OBSERVED = new java.util.concurrent.CopyOnWriteArrayList<>();

    static LightDecision oneEach(org.edgefm.api.spi.SlotObservation o) {
        List<ServiceAllocation> al = new ArrayList<>();
        for (NodeObservation n : o.nodes()) {
            if (n.online()) {
                for (ServiceSpec s : o.model().services(ServiceKind.LIGHT)) {
                    al.add(new ServiceAllocation(n.node(), s.id(), 1, 1));
                }
            }
        }
        return new LightDecision(o.slot(), al, RoutingTable.EMPTY, List.of(), List.of());
    }

    @Override
    public List<LightServiceControllerFactory> lightServiceControllers() {
        return List.of(factory("one-each", c -> o -> PlanResult.planned(oneEach(o))), factory("prepares", c -> {
            List<String> events = PREPARES.computeIfAbsent(c.getString("prepares.name", "default"),
                    k -> java.util.Collections.synchronizedList(new ArrayList<>()));
            return new Preparing(events);
        }), factory("throw-after", c -> {
            int n = c.getInt("throw-after.slots", 1);
            int[] calls = {0};
            return o -> {
                if (calls[0]++ >= n) {
                    throw new IllegalStateException("test controller fails on purpose");
                }
                return PlanResult.planned(oneEach(o));
            };
        }), factory("churn", c -> o -> {
            // a new parallelism every slot: every node gets a new directive every slot
            LightDecision d = oneEach(o);
            List<ServiceAllocation> al = new ArrayList<>();
            for (ServiceAllocation a : d.allocations()) {
                al.add(new ServiceAllocation(a.node(), a.service(), 1, (int) (o.slot() % 3) + 1));
            }
            return PlanResult.planned(new LightDecision(o.slot(), al, RoutingTable.EMPTY, List.of(), List.of()));
        }), factory("ring", c -> o -> {
            // one stream per online node: stage e on the next node, h on the one after; an origin-less h route to every node
            List<String> up = o.nodes().stream().filter(NodeObservation::online).map(NodeObservation::node).sorted().toList();
            List<org.edgefm.api.spi.Route> routes = new ArrayList<>();
            List<org.edgefm.api.spi.WeightedTarget> all = new ArrayList<>();
            for (int i = 0; i < up.size(); i++) {
                routes.add(new org.edgefm.api.spi.Route("t", "e", up.get(i),
                        List.of(new org.edgefm.api.spi.WeightedTarget(up.get((i + 1) % up.size()), 1.0))));
                routes.add(new org.edgefm.api.spi.Route("t", "h", up.get(i),
                        List.of(new org.edgefm.api.spi.WeightedTarget(up.get((i + 2) % up.size()), 1.0))));
                all.add(new org.edgefm.api.spi.WeightedTarget(up.get(i), 1.0 + i));
            }
            routes.add(new org.edgefm.api.spi.Route("t", "h", null, all));
            LightDecision d = oneEach(o);
            return PlanResult.planned(new LightDecision(o.slot(), d.allocations(), new RoutingTable(routes), List.of(), List.of()));
        }), factory("record", c -> o -> {
            OBSERVED.add(o);
            return PlanResult.planned(oneEach(o));
        }), factory("sleepy", c -> {
            long ms = c.getInt("sleepy.ms", 500);
            return o -> {
                Thread.sleep(ms);
                return PlanResult.planned(oneEach(o));
            };
        }));
    }

    /** The {@code prepares} controller: a {@link Decider} that is its own controller, so its {@code prepare} is called. */
    private static final class Preparing implements Decider, LightServiceController {
        private final List<String> events;

        Preparing(List<String> events) {
            this.events = events;
        }

        @Override
        public PlanResult<LightDecision> decide(org.edgefm.api.spi.SlotObservation o) {
            events.add("decide " + o.corePlacement().assignments().size() + " " + Thread.currentThread().getName());
            return PlanResult.planned(oneEach(o));
        }

        @Override
        public void prepare(org.edgefm.api.model.SystemModel model, CorePlacement placement) {
            events.add("prepare " + placement.assignments().size() + " " + Thread.currentThread().getName());
        }
    }

    interface Decider {
        PlanResult<LightDecision> decide(org.edgefm.api.spi.SlotObservation o) throws Exception;
    }

    private static LightServiceControllerFactory factory(String name,
            java.util.function.Function<PlannerConfig, Decider> make) {
        return new LightServiceControllerFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return "test controller " + name;
            }

            @Override
            public LightServiceController create(PlannerConfig config) {
                Decider d = make.apply(config);
                if (d instanceof LightServiceController c) {
                    return c;
                }
                return o -> {
                    try {
                        return d.decide(o);
                    } catch (RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                };
            }
        };
    }

    @Override
    public List<PlannerPreset> planners() {
        return List.of(new PlannerPreset("test-pair", "first-fit", "one-each", "first-fit + one-each"));
    }
}
