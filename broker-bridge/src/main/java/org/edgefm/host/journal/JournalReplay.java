package org.edgefm.host.journal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.spi.LightDecision;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.wire.Directive;
import org.edgefm.control.ControlLoop;
import org.edgefm.control.Fleet;
import org.edgefm.control.FleetSnapshot;
import org.edgefm.control.ResolvedPlanner;

/**
 * Replays a recorded trial against another planner: the snapshots of a {@link TrialJournal} export
 * (JSON lines) are handed, in order, to a fresh {@link ControlLoop} over a {@link Fleet} that plays
 * them back, and the decisions and directives that planner makes are returned. Directives are not
 * sent anywhere; the recorded fleet does not react to them (an open-loop replay).
 */
public final class JournalReplay {
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * What the replayed planner did.
     *
     * @param decisions  its decision per replayed slot that produced one
     * @param directives the directives it would have sent
     * @param failures   plugin failures, one line each
     */
    public record Outcome(List<LightDecision> decisions, List<Directive> directives, List<String> failures) {
    }

    private JournalReplay() {
    }

    /** Reads the snapshots of a journal export. */
    public static List<FleetSnapshot> snapshots(Reader jsonLines) {
        List<FleetSnapshot> out = new ArrayList<>();
        BufferedReader r = new BufferedReader(jsonLines);
        int n = 0;
        try {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = JSON.readTree(line);
                if ("snapshot".equals(node.path("kind").asText())) {
                    out.add(JSON.treeToValue(node.get("data"), FleetSnapshot.class));
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new EdgeFmException("journal line " + n + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Runs {@code planner} over the recorded snapshots, one slot each. */
    public static Outcome replay(List<FleetSnapshot> snapshots, SystemModel model, ResolvedPlanner planner,
            PlannerConfig config, double slotMs) {
        List<LightDecision> decisions = new ArrayList<>();
        List<Directive> directives = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Iterator<FleetSnapshot> it = snapshots.iterator();
        FleetSnapshot[] current = {snapshots.isEmpty() ? null : snapshots.get(0)};
        Fleet fleet = new Fleet() {
            @Override
            public double nowMs() {
                return current[0] == null ? 0 : current[0].nowMs();
            }

            @Override
            public FleetSnapshot snapshot() {
                return current[0];
            }

            @Override
            public void apply(Directive directive) {
                directives.add(directive);
            }

            @Override
            public void close() {
            }
        };
        ControlLoop.Listener l = new ControlLoop.Listener() {
            @Override
            public void onDecision(long slot, LightDecision decision, double elapsedMs) {
                decisions.add(decision);
            }

            @Override
            public void onPluginFailure(String plugin, String role, String reason, String detail) {
                failures.add(plugin + " (" + role + ") " + reason + ": " + detail);
            }
        };
        ControlLoop.Settings s = new ControlLoop.Settings(slotMs, 0, Duration.ofSeconds(60), Duration.ofSeconds(60), 1,
                false, () -> 0L);
        try (ControlLoop loop = new ControlLoop(fleet, model, planner, config, s, l)) {
            while (it.hasNext()) {
                current[0] = it.next();
                loop.step();
            }
        }
        return new Outcome(decisions, directives, failures);
    }
}
