package org.edgefm.host.fleet;

import org.edgefm.host.HostMeters;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.TaskType;
import org.edgefm.wire.Ack;
import org.edgefm.wire.AckOutcome;
import org.edgefm.wire.Birth;
import org.edgefm.wire.Capabilities;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.DesiredState;
import org.edgefm.wire.Directive;
import org.edgefm.wire.HostMetrics;
import org.edgefm.wire.InstanceStart;
import org.edgefm.wire.PeerMetrics;
import org.edgefm.wire.Result;
import org.edgefm.wire.ServiceMetrics;
import org.edgefm.wire.TaskCompletion;
import org.edgefm.wire.TaskTicket;
import org.edgefm.wire.Telemetry;
import org.junit.jupiter.api.Test;

/** What the host believes of agents' reports: one test per rule, each naming the rejection it counts. */
class ReportValidatorTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final HostMeters meters = new HostMeters();
    private final TaskType vqa = new TaskType("vqa", 1, 500, List.of(new Stage("enc", "vit", "head"), new Stage("head", "head", null)));
    private final ReportValidator v = new ReportValidator(ReportValidator.Settings.defaults(), List.of(vqa), () -> 7,
            now::get, meters);

    private static Directive directive(String node, long version, Map<String, String> peers, String... services) {
        List<DesiredService> ds = new java.util.ArrayList<>();
        for (String s : services) {
            ds.add(new DesiredService(s, ServiceKind.LIGHT, 1, 1, null, 1.0, null));
        }
        return new Directive(1, node, 7, version, 1, new DesiredState(ds, List.of(), peers));
    }

    private static ServiceMetrics service(String id, Double p95, List<Double> rates) {
        return new ServiceMetrics(id, 1, 1, 0, 0, 1, 1, p95, p95, rates, List.of());
    }

    private static Telemetry telemetry(String node, List<ServiceMetrics> s, List<PeerMetrics> p) {
        return new Telemetry(1, node, 1, 1, 1, 1, new HostMetrics(0.5, List.of(), 0, 0, 0, 0, 0, 0, 0, 0, null, 0),
                List.of(), s, p);
    }

    @Test
    void birth_claimingAFutureEpoch_losesItsAppliedClaim() {
        Birth b = new Birth(1, "n1", 1, 1, "p", "v", new Capabilities(ResourceVector.ZERO, "amd64", "none", List.of()),
                5, 999_999_999, List.of(), "");
        Birth got = v.birth(b);
        assertThat(got.plannerEpoch()).isZero();
        assertThat(got.appliedVersion()).isZero();
        assertThat(v.rejected("n1", ReportValidator.Reason.FUTURE_EPOCH)).isEqualTo(1);
        Birth honest = new Birth(1, "n1", 1, 1, "p", "v", b.capabilities(), 5, 7, List.of(), "");
        assertThat(v.birth(honest)).isSameAs(honest);
    }

    @Test
    void telemetry_keepsOnlyAskedServices_withFiniteFigures_andDeclaredLinksWithinBounds() {
        v.issued(directive("n1", 1, Map.of("n2", "h:1", "n3", "h:2"), "vit"));
        Telemetry t = telemetry("n1", List.of(service("vit", 5.0, List.of(1.0)), service("not-mine", 1.0, List.of()),
                service("vit", Double.NaN, List.of()), service("vit", -1.0, List.of()), service("vit", 1.0, List.of(1e300))),
                List.of(new PeerMetrics("n2", 4.0, 1.0, 3L, 0L), new PeerMetrics("n9", 4.0, 1.0, 3L, 0L),
                        new PeerMetrics("n3", 0.0, 1e12, 3L, 0L)));
        Telemetry got = v.telemetry(t);
        assertThat(got.services()).extracting(ServiceMetrics::service).containsExactly("vit");
        assertThat(got.services().get(0).latencyP95Ms()).isEqualTo(5.0);
        assertThat(got.peers()).extracting(PeerMetrics::peer).containsExactly("n2");
        assertThat(v.rejected("n1", ReportValidator.Reason.UNASKED_SERVICE)).isEqualTo(1);
        assertThat(v.rejected("n1", ReportValidator.Reason.BAD_FIGURE)).isEqualTo(3);
        assertThat(v.rejected("n1", ReportValidator.Reason.UNDECLARED_LINK)).isEqualTo(1);
        assertThat(v.rejected("n1", ReportValidator.Reason.BAD_LINK)).isEqualTo(1);
        assertThat(meters.reportsRejected("n1", "bad-figure")).isEqualTo(3);
    }

    @Test
    void telemetry_linkToAJoinedNodeNotGivenAsPeer_countsOnlyWhereLinksToTheFleetAreAccepted() {
        v.issued(directive("n1", 1, Map.of(), "vit"));
        Telemetry t = telemetry("n1", List.of(), List.of(new PeerMetrics("n2", 4.0, 1.0, 3L, 0L),
                new PeerMetrics("stranger", 4.0, 1.0, 3L, 0L)));
        assertThat(v.telemetry(t).peers()).isEmpty();
        assertThat(v.rejected("n1", ReportValidator.Reason.UNDECLARED_LINK)).isEqualTo(2);
        v.acceptLinksTo(id -> id.equals("n2"));
        assertThat(v.telemetry(t).peers()).extracting(PeerMetrics::peer).containsExactly("n2");
        assertThat(v.rejected("n1", ReportValidator.Reason.UNDECLARED_LINK)).isEqualTo(3);
    }

    private Birth bornUnder(String node, long epoch) {
        return new Birth(1, node, 1, 1, "p", "v", new Capabilities(ResourceVector.ZERO, "amd64", "none", List.of()),
                3, epoch, List.of(), "");
    }

    @Test
    void afterAHostRestart_linksToTheFleetsNodes_andStopsOfThePreviousDirective_areAccepted() {
        // host epoch 7 restarted; n1 ran epoch 6's directive with peers edge-l4 and n2, and services detok, vit
        v.fleet(id -> List.of("n1", "n2", "edge-l4").contains(id), List.of("vit", "head", "detok"));
        assertThat(v.birth(bornUnder("n1", 6)).plannerEpoch()).isEqualTo(6);
        Telemetry early = telemetry("n1", List.of(), List.of(new PeerMetrics("edge-l4", 4.0, 1.0, 3L, 0L),
                new PeerMetrics("n2", 4.0, 1.0, 3L, 0L)));
        assertThat(v.telemetry(early).peers()).extracting(PeerMetrics::peer).containsExactly("edge-l4", "n2");
        // this run's first directive (7/1) stops what epoch 6 had started: the agent's ack says so
        v.issued(directive("n1", 1, Map.of("n2", "h:1"), "vit"));
        Ack a = v.ack(new Ack(1, "n1", 7, 1, AckOutcome.APPLIED, null, 1, List.of(),
                List.of(new org.edgefm.wire.InstanceStop("detok"))));
        assertThat(a.stopped()).extracting(org.edgefm.wire.InstanceStop::service).containsExactly("detok");
        assertThat(v.rejections()).isEmpty();
    }

    @Test
    void undeclaredLinks_ofAJoiningFleet_areLoggedOnce_thenSummedUpOnceAMinute_andEachIsCounted() {
        for (int i = 0; i < 50; i++) {
            v.birth(bornUnder("m" + i, 0));
            v.telemetry(telemetry("m" + i, List.of(), List.of(new PeerMetrics("not-joined-yet", 4.0, 1.0, 3L, 0L))));
        }
        assertThat(v.rejected("m49", ReportValidator.Reason.UNDECLARED_LINK)).isEqualTo(1);
        assertThat(v.rejections()).hasSize(50);
        assertThat(v.rejectionLines()).isEqualTo(1);
        now.addAndGet(Rejections.SUMMARY_EVERY_MS);
        v.telemetry(telemetry("m0", List.of(), List.of(new PeerMetrics("not-joined-yet", 4.0, 1.0, 4L, 0L))));
        assertThat(v.rejectionLines()).isEqualTo(2); // "50 more report(s) of 50 node(s) rejected (undeclared-link) ..."
        // other reasons keep their line per node: acks of directives the host never sent
        v.ack(new Ack(1, "m1", 7, 100, AckOutcome.APPLIED, null, 1, List.of(), List.of()));
        v.ack(new Ack(1, "m2", 7, 100, AckOutcome.APPLIED, null, 1, List.of(), List.of()));
        assertThat(v.rejected("m2", ReportValidator.Reason.UNKNOWN_DIRECTIVE)).isEqualTo(1);
        assertThat(v.rejectionLines()).isEqualTo(4);
    }

    @Test
    void afterAHostRestart_aHostileNode_stillCannotReachBeyondTheFleet_orClaimStopsLater() {
        v.fleet(id -> List.of("n1", "n2").contains(id), List.of("vit", "detok"));
        v.birth(bornUnder("n1", 6));
        Telemetry t = telemetry("n1", List.of(), List.of(new PeerMetrics("stranger", 4.0, 1.0, 3L, 0L),
                new PeerMetrics("n1", 4.0, 1.0, 3L, 0L), new PeerMetrics("n2", 0.0, 1e12, 3L, 0L)));
        assertThat(v.telemetry(t).peers()).isEmpty();
        assertThat(v.rejected("n1", ReportValidator.Reason.UNDECLARED_LINK)).as("no node of the fleet; itself").isEqualTo(2);
        assertThat(v.rejected("n1", ReportValidator.Reason.BAD_LINK)).as("bounds hold as ever").isEqualTo(1);
        // a node that ran no earlier host run's directive (born with nothing applied) gets no such leniency
        v.birth(bornUnder("n3", 0));
        assertThat(v.telemetry(telemetry("n3", List.of(), List.of(new PeerMetrics("n2", 4.0, 1.0, 3L, 0L)))).peers()).isEmpty();
        assertThat(v.rejected("n3", ReportValidator.Reason.UNDECLARED_LINK)).isEqualTo(1);
        // once this run sent it a directive, only its peers count (no joined-fleet rule here)
        v.issued(directive("n1", 1, Map.of(), "vit"));
        v.issued(directive("n1", 2, Map.of(), "vit"));
        assertThat(v.telemetry(telemetry("n1", List.of(), List.of(new PeerMetrics("n2", 4.0, 1.0, 3L, 0L)))).peers()).isEmpty();
        // a stop outside this run's directives counts only in the ack of its first directive, and only of the scenario's
        Ack first = v.ack(new Ack(1, "n1", 7, 1, AckOutcome.APPLIED, null, 1, List.of(),
                List.of(new org.edgefm.wire.InstanceStop("x".repeat(40)))));
        Ack later = v.ack(new Ack(1, "n1", 7, 2, AckOutcome.APPLIED, null, 1, List.of(),
                List.of(new org.edgefm.wire.InstanceStop("detok"))));
        assertThat(first.stopped()).isEmpty();
        assertThat(later.stopped()).isEmpty();
        assertThat(v.rejected("n1", ReportValidator.Reason.UNASKED_SERVICE)).isEqualTo(2);
        // a node born under this host's epoch (no restart behind it) gets no such leniency
        v.birth(bornUnder("n2", 7));
        v.issued(directive("n2", 1, Map.of(), "vit"));
        assertThat(v.ack(new Ack(1, "n2", 7, 1, AckOutcome.APPLIED, null, 1, List.of(),
                List.of(new org.edgefm.wire.InstanceStop("detok")))).stopped()).isEmpty();
    }

    @Test
    void joinedFleet_linksOutsideTheDirectives_areBoundedPerNode() {
        v.acceptLinksTo(id -> id.startsWith("j"));
        v.issued(directive("n1", 1, Map.of("p", "h:1"), "vit"));
        List<PeerMetrics> many = new java.util.ArrayList<>();
        many.add(new PeerMetrics("p", 4.0, 1.0, 3L, 0L));
        for (int i = 0; i < 40; i++) {
            many.add(new PeerMetrics("j" + i, 4.0, 1.0, 3L, 0L));
        }
        List<PeerMetrics> got = v.telemetry(telemetry("n1", List.of(), many)).peers();
        assertThat(got).hasSize(1 + ReportValidator.UNNAMED_LINK_PEERS);
        assertThat(got.get(0).peer()).isEqualTo("p");
        assertThat(v.rejected("n1", ReportValidator.Reason.UNDECLARED_LINK)).isEqualTo(40 - ReportValidator.UNNAMED_LINK_PEERS);
        // the same first 16 keep being accepted in later reports
        assertThat(v.telemetry(telemetry("n1", List.of(), many.subList(0, 17))).peers()).hasSize(17);
    }

    @Test
    void links_moveAtMostByTheStepFactorPerReport() {
        v.issued(directive("n1", 1, Map.of("n2", "h:1"), "vit"));
        v.telemetry(telemetry("n1", List.of(), List.of(new PeerMetrics("n2", 10.0, 1.0, 1L, 0L))));
        PeerMetrics p = v.telemetry(telemetry("n1", List.of(), List.of(new PeerMetrics("n2", 0.001, 12.0, 2L, 0L)))).peers().get(0);
        assertThat(p.rttMs()).isEqualTo(2.5);
        assertThat(p.throughputMbPerMs()).isEqualTo(4.0);
    }

    @Test
    void ack_forADirectiveNeverSent_isDropped_andUnaskedInstancesAreRemoved() {
        assertThat(v.ack(new Ack(1, "n1", 7, 3, AckOutcome.APPLIED, null, 1))).isNull();
        assertThat(v.rejected("n1", ReportValidator.Reason.UNKNOWN_DIRECTIVE)).isEqualTo(1);
        v.issued(directive("n1", 3, Map.of(), "vit"));
        Ack a = v.ack(new Ack(1, "n1", 7, 3, AckOutcome.APPLIED, null, 1,
                List.of(new InstanceStart("vit", 3.0, "generated"), new InstanceStart("x".repeat(60), 1.0, "generated")),
                List.of()));
        assertThat(a.started()).extracting(InstanceStart::service).containsExactly("vit");
        assertThat(v.rejected("n1", ReportValidator.Reason.UNASKED_SERVICE)).isEqualTo(1);
    }

    @Test
    void completions_onlyFromTheSink_withTheTaskTypesDeadline_issuedIdsOnly_andNotFromTheFuture() {
        v.issued(directive("sink", 1, Map.of(), "head"));
        v.issued(directive("other", 1, Map.of(), "vit"));
        TaskCompletion ok = new TaskCompletion("t1", "vqa", "n1", 1, 2, 500, true, null, List.of());
        assertThat(v.result(new Result(1, "other", 1, List.of(ok)))).isNull();
        assertThat(v.rejected("other", ReportValidator.Reason.NOT_SINK)).isEqualTo(1);
        Result r = v.result(new Result(1, "sink", 1, List.of(ok,
                new TaskCompletion("t2", "vqa", "n1", 1, 2, 1e9, true, null, List.of()),
                new TaskCompletion("t3", "vqa", "n1", 1, now.get() + 3_600_000, 500, true, null, List.of()),
                new TaskCompletion("t4", "nope", "n1", 1, 2, 500, true, null, List.of()))));
        assertThat(r.completions()).extracting(TaskCompletion::taskId).containsExactly("t1");
        assertThat(v.rejected("sink", ReportValidator.Reason.BAD_TASK)).isEqualTo(3);
        // once the task source registers what it issued, only those ids from their origin count
        v.taskIssued("t9", "n1");
        assertThat(v.result(new Result(1, "sink", 1, List.of(ok)))).isNull();
        assertThat(v.result(new Result(1, "sink", 1, List.of(new TaskCompletion("t9", "vqa", "n2", 1, 2, 500, true, null,
                List.of()))))).isNull();
        assertThat(v.result(new Result(1, "sink", 1, List.of(new TaskCompletion("t9", "vqa", "n1", 1, 2, 500, true, null,
                List.of()))))).isNotNull();
        assertThat(v.rejected("sink", ReportValidator.Reason.UNKNOWN_TASK)).isEqualTo(2);
    }

    /** A task that entered at {@code origin} and was signed there with the key the host sent it for {@code epoch}. */
    private static TaskCompletion signed(byte[] secret, String fleet, long epoch, String id, String origin, long submitted) {
        String ticket = TaskTicket.sign(TaskTicket.nodeKey(secret, fleet, origin, epoch), epoch, id, origin, "vqa", submitted);
        return new TaskCompletion(id, "vqa", origin, submitted, submitted + 100, 500, true, null, List.of(), ticket);
    }

    @Test
    void completions_needTheirOriginsTicket_fromTheSink_once() {
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        v.taskSecret(secret, "lab");
        v.issued(directive("sink", 1, Map.of(), "head"));
        v.issued(directive("n1", 1, Map.of(), "vit"));
        v.issued(directive("n2", 1, Map.of(), "vit"));
        long t0 = now.get() - 1_000;
        // genuine: signed at its origin n1, reported by the node that runs the sink
        assertThat(v.result(new Result(1, "sink", 1, List.of(signed(secret, "lab", 7, "a1", "n1", t0))))).isNotNull();
        // the same report again (an agent re-sending what the broker did not acknowledge): dropped, not an attack
        assertThat(v.result(new Result(1, "sink", 1, List.of(signed(secret, "lab", 7, "a1", "n1", t0))))).isNull();
        assertThat(v.rejected("sink", ReportValidator.Reason.REPLAY)).isZero();
        // a replay with other figures (an earlier completion time, a success instead of a failure) is refused and counted
        TaskCompletion a1 = signed(secret, "lab", 7, "a1", "n1", t0);
        assertThat(v.result(new Result(1, "sink", 1, List.of(new TaskCompletion("a1", "vqa", "n1", t0, t0 + 1, 500, true,
                null, List.of(), a1.ticket()))))).isNull();
        assertThat(v.rejected("sink", ReportValidator.Reason.REPLAY)).isEqualTo(1);
        // invented: no ticket, a made-up ticket, one for another id, another origin, another submit time
        TaskCompletion real = signed(secret, "lab", 7, "a2", "n1", t0);
        List<TaskCompletion> forged = List.of(
                new TaskCompletion("x1", "vqa", "n1", t0, t0 + 1, 500, true, null, List.of()),
                new TaskCompletion("x2", "vqa", "n1", t0, t0 + 1, 500, true, null, List.of(), "7.AAAAAAAAAAAAAAAAAAAAAA"),
                new TaskCompletion("x3", "vqa", "n1", t0, t0 + 1, 500, true, null, List.of(), real.ticket()),
                new TaskCompletion("a2", "vqa", "n2", t0, t0 + 1, 500, true, null, List.of(), real.ticket()),
                new TaskCompletion("a2", "vqa", "n1", t0 + 400, t0 + 401, 500, true, null, List.of(), real.ticket()),
                // signed with a key of another fleet, of another host secret, of a planner epoch the host never had
                signed(secret, "other-fleet", 7, "a3", "n1", t0),
                signed(new byte[32], "lab", 7, "a4", "n1", t0),
                signed(secret, "lab", 8, "a5", "n1", t0));
        assertThat(v.result(new Result(1, "sink", 1, forged))).isNull();
        assertThat(v.rejected("sink", ReportValidator.Reason.FORGED_TASK)).isEqualTo(forged.size());
        // a node that does not run the sink cannot count another origin's task, even with its ticket
        assertThat(v.result(new Result(1, "n2", 1, List.of(real)))).isNull();
        assertThat(v.rejected("n2", ReportValidator.Reason.NOT_SINK)).isEqualTo(1);
        // ... and the refusal did not use the id up: the sink's genuine report still counts
        assertThat(v.result(new Result(1, "sink", 1, List.of(real)))).isNotNull();
        // the origin may report its own task (after a failover it finished it itself); tickets of an earlier epoch verify
        assertThat(v.result(new Result(1, "n1", 1, List.of(signed(secret, "lab", 3, "a6", "n1", t0))))).isNotNull();
    }

    @Test
    void restartedHost_checksTheSinkAgainstThePreviousRun_andCountsNoIdOfItAgain() {
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        v.taskSecret(secret, "lab");
        v.previousRun(Map.of("sink", java.util.Set.of("head"), "n2", java.util.Set.of("vit")), List.of("old-1"));
        long t0 = now.get() - 1_000;
        // nothing sent yet in this run: the previous run's directives decide who ran the sink
        assertThat(v.result(new Result(1, "sink", 1, List.of(signed(secret, "lab", 6, "p1", "n1", t0))))).isNotNull();
        assertThat(v.result(new Result(1, "n2", 1, List.of(signed(secret, "lab", 6, "p2", "n1", t0))))).isNull();
        assertThat(v.rejected("n2", ReportValidator.Reason.NOT_SINK)).isEqualTo(1);
        // an id the previous run counted: not counted again (an agent delivering its stored results twice is no attack)
        assertThat(v.result(new Result(1, "sink", 1, List.of(signed(secret, "lab", 6, "old-1", "n1", t0))))).isNull();
    }

    @Test
    void onceOnlyWindow_isBounded_andRefusesWhatIsOlderThanItsFloor() {
        for (int i = 0; i < ReportValidator.ONCE_WINDOW + 10; i++) {
            assertThat(v.result(new Result(1, "sink", 1, List.of(new TaskCompletion("w" + i, "vqa", "n1", 1_000 + i,
                    1_000 + i, 500, true, null, List.of()))))).isNotNull();
        }
        // w0..w9 left the window; a replay of one of them is refused by the floor (submitted before it)
        assertThat(v.result(new Result(1, "sink", 1, List.of(new TaskCompletion("w3", "vqa", "n1", 1_003, 1_003, 500, true,
                null, List.of()))))).isNull();
        assertThat(v.rejected("sink", ReportValidator.Reason.REPLAY)).isEqualTo(1);
    }

    @Test
    void repeatedRejections_flagTheNode_onceAndVisibly() {
        for (int i = 0; i < 25; i++) {
            v.ack(new Ack(1, "bad", 7, 100 + i, AckOutcome.APPLIED, null, 1));
        }
        assertThat(v.flagged("bad")).isTrue();
        assertThat(v.rejections()).singleElement().satisfies(n -> {
            assertThat(n.node()).isEqualTo("bad");
            assertThat(n.total()).isEqualTo(25);
            assertThat(n.flagged()).isTrue();
            assertThat(n.byReason()).containsEntry("unknown-directive", 25L);
        });
        assertThat(meters.scrape()).contains("edgefm_reports_flagged{node=\"bad\"} 1.0");
    }

    @Test
    void metricLabels_onlyForServicesTheHostKnows() {
        meters.knownServices(List.of("vit"));
        for (int i = 0; i < 50; i++) {
            meters.instanceSwitches("n1", new FleetState.AckSwitches(List.of(new InstanceStart("svc-" + i, 1.0, "npy x" + i)),
                    List.of()));
        }
        meters.instanceSwitches("n1", new FleetState.AckSwitches(List.of(new InstanceStart("vit", 1.0, "generated")), List.of()));
        String scrape = meters.scrape();
        assertThat(scrape).doesNotContain("svc-").doesNotContain("x1\"").contains("service=\"other\"").contains("service=\"vit\"");
        assertThat(meters.instanceLoads("n1", "svc-7")).isEqualTo(50); // every unknown name counts under "other"
    }
}
