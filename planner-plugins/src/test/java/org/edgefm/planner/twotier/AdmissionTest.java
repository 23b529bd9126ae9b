package org.edgefm.planner.twotier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.spi.Reason;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.RoutingTable;
import org.edgefm.api.spi.WeightedTarget;
import org.junit.jupiter.api.Test;

/** {@code light.admission = reject}: reject shares on entry stages where the routed demand exceeds what a pair may take. */
class AdmissionTest {
    // chain j: s0 (light "pre" at the origin) -> s1 (core "enc" at c)
    private static final TaskType J = new TaskType("j", 1, 100, List.of(new Stage("s0", "pre", "s1"), new Stage("s1", "enc", null)));
    private static final RoutingTable ROUTES = new RoutingTable(List.of(
            new Route("j", "s0", "a", List.of(new WeightedTarget("a", 1))),
            new Route("j", "s0", "b", List.of(new WeightedTarget("b", 1))),
            new Route("j", "s1", null, List.of(new WeightedTarget("c", 1)))));
    private static final List<Admission.Stream> STREAMS = List.of(new Admission.Stream("a", J, 1.0), new Admission.Stream("b", J, 1.0));

    /** The share of stage s0 of task type j from {@code origin} that the table sends to the reject target. */
    static double rejectShare(RoutingTable t, String origin) {
        double total = 0;
        double reject = 0;
        for (WeightedTarget w : t.targets("j", "s0", origin)) {
            total += w.weight();
            reject += w.isReject() ? w.weight() : 0;
        }
        return reject / total;
    }

    @Test
    void capacityCoversDemand_tableUnchanged_noNote() {
        List<Reason> notes = new ArrayList<>();
        RoutingTable out = Admission.apply(ROUTES, STREAMS, Map.of("a|pre", 10.0, "b|pre", 10.0, "c|enc", 4.5), notes);
        assertThat(out).isSameAs(ROUTES);
        assertThat(notes).isEmpty();
    }

    @Test
    void sharedCoreShort_bothStreamsRejectTheExcess_onTheEntryStageOnly() {
        List<Reason> notes = new ArrayList<>();
        // enc may take 0.9 task/ms, two streams bring 2: each keeps 0.45
        RoutingTable out = Admission.apply(ROUTES, STREAMS, Map.of("a|pre", 9.0, "b|pre", 9.0, "c|enc", 0.9), notes);
        assertThat(rejectShare(out, "a")).isCloseTo(0.55, within(1e-6));
        assertThat(rejectShare(out, "b")).isCloseTo(0.55, within(1e-6));
        assertThat(out.targets("j", "s1", "a")).noneMatch(WeightedTarget::isReject);
        assertThat(notes).extracting(Reason::code).containsExactly("admission-reject");
    }

    @Test
    void oneStreamThrottledByItsOwnLightPair_theOtherTakesTheCoreCapacityLeft() {
        RoutingTable out = Admission.apply(ROUTES, STREAMS, Map.of("a|pre", 0.18, "b|pre", 9.0, "c|enc", 0.9), new ArrayList<>());
        double pa = 1 - rejectShare(out, "a");
        double pb = 1 - rejectShare(out, "b");
        assertThat(pa).isCloseTo(0.18, within(1e-3));
        // the core keeps 0.9: what a cannot use goes to b
        assertThat(pb).isCloseTo(0.72, within(0.01));
        assertThat(pa + pb).isLessThanOrEqualTo(0.9 + 1e-9);
    }

    @Test
    void entryStageOnTheRouteWithoutOrigin_getsARouteOfItsOwnForTheThrottledStream() {
        RoutingTable shared = new RoutingTable(List.of(new Route("j", "s0", null, List.of(new WeightedTarget("a", 1))),
                new Route("j", "s1", null, List.of(new WeightedTarget("c", 1)))));
        RoutingTable out = Admission.apply(shared, List.of(new Admission.Stream("a", J, 2.0)),
                Map.of("a|pre", 10.0, "c|enc", 1.0), new ArrayList<>());
        assertThat(rejectShare(out, "a")).isCloseTo(0.5, within(1e-6));
        // other origins keep the route without origin, without a reject share
        assertThat(out.targets("j", "s0", "z")).containsExactly(new WeightedTarget("a", 1));
    }

    @Test
    void streamWithAStageRoutedNowhere_rejectedWhole_andItsCoreLoadGoesToTheOthers() {
        // chain u: s0 (light "pre") -> s1 (core "enc" at c) -> s2 (light "post", no node serves it this slot)
        TaskType u = new TaskType("u", 1, 100, List.of(new Stage("s0", "pre", "s1"), new Stage("s1", "enc", "s2"),
                new Stage("s2", "post", null)));
        RoutingTable routes = new RoutingTable(List.of(
                new Route("j", "s0", "a", List.of(new WeightedTarget("a", 1))),
                new Route("j", "s1", null, List.of(new WeightedTarget("c", 1))),
                new Route("u", "s0", "b", List.of(new WeightedTarget("b", 1))),
                new Route("u", "s1", null, List.of(new WeightedTarget("c", 1)))));
        List<Admission.Stream> streams = List.of(new Admission.Stream("a", J, 1.0), new Admission.Stream("b", u, 1.0));
        Map<String, Double> limit = Map.of("a|pre", 9.0, "b|pre", 9.0, "c|enc", 1.0);

        // admit (the default): u's tasks share enc with j and would fail at s2
        RoutingTable kept = Admission.apply(routes, streams, limit, false, new ArrayList<>());
        assertThat(kept.targets("j", "s0", "a")).anyMatch(WeightedTarget::isReject);
        assertThat(kept.targets("u", "s0", "b")).anyMatch(WeightedTarget::isReject);

        List<Reason> notes = new ArrayList<>();
        RoutingTable out = Admission.apply(routes, streams, limit, true, notes);
        assertThat(out.targets("u", "s0", "b")).containsExactly(WeightedTarget.reject(1.0));
        // enc takes 1 task/ms: all of j's
        assertThat(out.targets("j", "s0", "a")).containsExactly(new WeightedTarget("a", 1));
        assertThat(notes).extracting(Reason::message).singleElement().asString().contains("1 of them whole");
    }

    @Test
    void lookup_randomTables_answersAsTheTableDoes() {
        // duplicates per (type, stage, origin) and several origin-less routes: the table's first own route and
        // last origin-less route win; the index must agree on every question, asked or not of a routed stage
        for (long seed : new long[] {1, 2, 3, 17, 42, 99, 1234, 98765}) {
            java.util.Random rnd = new java.util.Random(seed);
            List<Route> routes = new ArrayList<>();
            String[] types = {"j", "k"};
            String[] stages = {"s0", "s1", "s2"};
            String[] origins = {null, "a", "b", "c", "d"};
            for (int i = 0; i < 60; i++) {
                routes.add(new Route(types[rnd.nextInt(2)], stages[rnd.nextInt(3)], origins[rnd.nextInt(origins.length)],
                        List.of(new WeightedTarget("n" + i, 1 + rnd.nextInt(3)))));
            }
            RoutingTable table = new RoutingTable(routes);
            Admission.Lookup lookup = new Admission.Lookup(table);
            for (String t : new String[] {"j", "k", "x"}) {
                for (String st : new String[] {"s0", "s1", "s2", "s9"}) {
                    for (String o : new String[] {null, "a", "b", "c", "d", "e"}) {
                        assertThat(lookup.targets(t, st, o)).as("seed %d: %s/%s from %s", seed, t, st, o)
                                .isEqualTo(table.targets(t, st, o));
                    }
                }
            }
        }
    }
}
