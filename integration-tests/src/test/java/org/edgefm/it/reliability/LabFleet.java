package org.edgefm.it.reliability;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;

/**
 * The scenario of the reliability tests: the built-in {@code trial-lab} without {@code orin-nano},
 * so that every scenario node runs as a real agent (three agent processes on a 2-core machine), and
 * the agent configuration files for it.
 */
final class LabFleet {
    /** The nodes, in the scenario's order, with their device profiles. */
    static final String[][] NODES = {
        {"agx-orin", "jetson-agx-orin-64gb"}, {"orin-nx", "jetson-orin-nx-16gb"}, {"edge-l4", "nvidia-l4"}};
    /** Core services of the scenario. */
    static final Set<String> CORE_SERVICES = Set.of("clip-vit", "llm");

    private LabFleet() {
    }

    /** Writes the three-node scenario to {@code file}. */
    static Path writeScenario(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper().configure(JsonParser.Feature.ALLOW_COMMENTS, true);
        JsonNode root;
        try (InputStream in = LabFleet.class.getClassLoader().getResourceAsStream("scenarios/trial-lab.json")) {
            if (in == null) {
                throw new IOException("built-in scenario trial-lab not on the class path");
            }
            root = json.readTree(in);
        }
        ObjectNode s = (ObjectNode) root;
        s.put("name", "reliability-lab");
        drop((ArrayNode) s.path("topology").path("nodes"), n -> n.path("id").asText().equals("orin-nano"));
        drop((ArrayNode) s.path("topology").path("links"),
                n -> n.path("a").asText().equals("orin-nano") || n.path("b").asText().equals("orin-nano"));
        drop((ArrayNode) s.path("users"), n -> n.path("node").asText().equals("orin-nano"));
        drop((ArrayNode) s.path("workload"), n -> n.path("user").asText().equals("cam-3"));
        Files.writeString(file, json.writerWithDefaultPrettyPrinter().writeValueAsString(s));
        return file;
    }

    private static void drop(ArrayNode a, java.util.function.Predicate<JsonNode> p) {
        for (Iterator<JsonNode> it = a.iterator(); it.hasNext();) {
            if (p.test(it.next())) {
                it.remove();
            }
        }
    }

    /** An agent configuration: fast telemetry and reconnects, no calibration, task data on {@code dataHost}. */
    static Path agentConfig(Path file, String fleet, Path scenario, String profile, String bindHost, String dataHost)
            throws IOException {
        Files.writeString(file, "{\"fleet\": \"" + fleet + "\", \"calibrate\": false, \"telemetryPeriodMs\": 500,"
                + " \"reconnectMinMs\": 200, \"reconnectMaxMs\": 1000, \"scenario\": \"" + scenario + "\","
                + " \"profile\": \"" + profile + "\", \"httpHost\": \"" + bindHost + "\", \"advertiseHost\": \""
                + dataHost + "\"}");
        return file;
    }
}
