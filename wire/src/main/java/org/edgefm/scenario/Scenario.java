package org.edgefm.scenario;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefm.api.Check;
import org.edgefm.api.InvalidFieldException;
import org.edgefm.api.model.Demand;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.model.Topology;
import org.edgefm.api.model.UserSpec;
import org.edgefm.api.spi.PlannerConfig;

/**
 * A scenario file: the system model plus run settings, a failure schedule, link impairments and planner
 * settings.
 * Constructing one validates every cross reference.
 *
 * @param schema      format version, 1
 * @param name        scenario name (an id)
 * @param description free text
 * @param topology    nodes and links; optional: a scenario without nodes is a workload and model
 *                    specification for a live host, whose nodes are the agents that join (users then
 *                    name their origin node or a label, as {@code camera}); the simulator needs nodes
 * @param services    the service catalog
 * @param taskTypes   the task types
 * @param users       the users
 * @param workload    the demand streams
 * @param run         slot length, horizon, epochs, seed; defaults when absent
 * @param failures    scheduled node failures
 * @param planner     planner settings by key ({@code two-tier.xi: 1.0}); values are numbers,
 *                    booleans or text
 * @param models      real models the services run parts of ({@link ModelRef}); optional
 * @param impairments scheduled impairments of declared links ({@link LinkImpairment}); optional
 * @param trial       what a live trial does by default ({@link TrialSettings}: the agents' impairment that
 *                    stands for the declared slow links); optional
 */
public record Scenario(int schema, String name, String description, Topology topology, List<ServiceSpec> services,
        List<TaskType> taskTypes, List<UserSpec> users, List<Demand> workload, RunSettings run,
        List<FailureEvent> failures, Map<String, Object> planner, List<ModelRef> models,
        List<LinkImpairment> impairments, TrialSettings trial) {
    /** The format version this code reads. */
    public static final int SCHEMA = 1;

    /** Validates the whole scenario, cross references included. */
    public Scenario {
        if (schema != SCHEMA) {
            throw new InvalidFieldException("schema", schema + " (expected: " + SCHEMA + ")");
        }
        Check.id(name, "name");
        description = description == null ? "" : description;
        run = run == null ? RunSettings.DEFAULTS : run;
        failures = Check.listOf(failures, "failures");
        planner = Check.mapOf(planner, "planner");
        for (Map.Entry<String, Object> e : planner.entrySet()) {
            Object v = e.getValue();
            if (!(v instanceof Number || v instanceof Boolean || v instanceof String)) {
                throw new InvalidFieldException("planner." + e.getKey(), "an " + (v instanceof Map ? "object" : "array")
                        + " (expected: a number, true/false or a string)");
            }
        }
        topology = topology == null ? Topology.EMPTY : topology;
        services = Check.listOf(Check.notEmpty(services, "services"), "services");
        taskTypes = Check.listOf(Check.notEmpty(taskTypes, "taskTypes"), "taskTypes");
        users = Check.listOf(users, "users");
        workload = Check.listOf(workload, "workload");
        // a user may name a node the scenario does not pin, or a label: a live host binds it to the agent
        // that joins with that id or label; model() (the simulator, fleet.model=declared) needs it pinned
        SystemModel.checkReferences(services, taskTypes, users, workload, null);
        if (!topology.nodes().isEmpty()) {
            new SystemModel(topology, services, taskTypes, List.of(), List.of());
        }
        for (int i = 0; i < failures.size(); i++) {
            if (topology.node(failures.get(i).node()).isEmpty()) {
                throw new InvalidFieldException("failures[" + i + "].node",
                        Check.quote(failures.get(i).node()) + " is not a node in 'topology.nodes'");
            }
        }
        models = Check.listOf(models, "models");
        checkModels(models, services, taskTypes);
        impairments = Check.listOf(impairments, "impairments");
        for (int i = 0; i < impairments.size(); i++) {
            LinkImpairment m = impairments.get(i);
            if (topology.links().stream().noneMatch(m::concerns)) {
                throw new InvalidFieldException("impairments[" + i + "]", "link " + Check.quote(m.a()) + "-"
                        + Check.quote(m.b()) + " is not in 'topology.links' (expected: a declared link)");
            }
        }
        trial = trial == null ? TrialSettings.NONE : trial;
        trial.check(topology);
    }

    /** A scenario without live-trial defaults (the form before {@code trial} existed). */
    public Scenario(int schema, String name, String description, Topology topology, List<ServiceSpec> services,
            List<TaskType> taskTypes, List<UserSpec> users, List<Demand> workload, RunSettings run,
            List<FailureEvent> failures, Map<String, Object> planner, List<ModelRef> models,
            List<LinkImpairment> impairments) {
        this(schema, name, description, topology, services, taskTypes, users, workload, run, failures, planner, models,
                impairments, null);
    }

    /** A scenario without link impairments (the form before {@code impairments} existed). */
    public Scenario(int schema, String name, String description, Topology topology, List<ServiceSpec> services,
            List<TaskType> taskTypes, List<UserSpec> users, List<Demand> workload, RunSettings run,
            List<FailureEvent> failures, Map<String, Object> planner, List<ModelRef> models) {
        this(schema, name, description, topology, services, taskTypes, users, workload, run, failures, planner, models,
                null, null);
    }

    /** A scenario without real models (the form before {@code models} existed). */
    public Scenario(int schema, String name, String description, Topology topology, List<ServiceSpec> services,
            List<TaskType> taskTypes, List<UserSpec> users, List<Demand> workload, RunSettings run,
            List<FailureEvent> failures, Map<String, Object> planner) {
        this(schema, name, description, topology, services, taskTypes, users, workload, run, failures, planner, null,
                null, null);
    }

    /**
     * Each model's file is named once, used by a service's kernel ({@code FILE#PART}) and its task
     * types exist, each answered by one model and running only that model's parts where a stage runs
     * a kernel that names a manifest.
     */
    private static void checkModels(List<ModelRef> models, List<ServiceSpec> services, List<TaskType> taskTypes) {
        Map<String, Integer> files = new java.util.HashMap<>();
        Map<String, String> typeModel = new java.util.HashMap<>();
        for (int i = 0; i < models.size(); i++) {
            ModelRef m = models.get(i);
            if (files.put(m.file(), i) != null) {
                throw new InvalidFieldException("models[" + i + "].file", Check.quote(m.file()) + " is named twice");
            }
            for (int j = 0; j < m.taskTypes().size(); j++) {
                String t = m.taskTypes().get(j);
                if (taskTypes.stream().noneMatch(x -> x.id().equals(t))) {
                    throw new InvalidFieldException("models[" + i + "].taskTypes[" + j + "]", Check.quote(t) + " is not a task type");
                }
                if (typeModel.put(t, m.file()) != null) {
                    throw new InvalidFieldException("models[" + i + "].taskTypes[" + j + "]", Check.quote(t)
                            + " is answered by another model already (expected: one model per task type)");
                }
            }
            boolean used = services.stream().anyMatch(s -> s.kernel() != null && s.kernel().weights() != null
                    && s.kernel().weights().startsWith(m.file() + "#"));
            if (!used) {
                throw new InvalidFieldException("models[" + i + "].file", Check.quote(m.file())
                        + " is named by no service's kernel (expected: kernels with weights '" + m.file() + "#PART')");
            }
        }
        for (TaskType tt : taskTypes) {
            String file = typeModel.get(tt.id());
            if (file == null) {
                continue;
            }
            for (org.edgefm.api.model.Stage st : tt.stages()) {
                ServiceSpec s = services.stream().filter(x -> x.id().equals(st.service())).findFirst().orElse(null);
                String w = s == null || s.kernel() == null ? null : s.kernel().weights();
                if (w != null && w.contains("#") && !w.startsWith(file + "#")) {
                    throw new InvalidFieldException("taskTypes." + tt.id() + ".stages." + st.id(), "service " + Check.quote(s.id())
                            + " runs " + Check.quote(w) + " (expected: a part of " + Check.quote(file) + ", the model answering "
                            + Check.quote(tt.id()) + ")");
                }
            }
        }
    }

    /** This scenario with other run settings (everything else kept). */
    public Scenario withRun(RunSettings newRun) {
        return new Scenario(schema, name, description, topology, services, taskTypes, users, workload, newRun, failures,
                planner, models, impairments, trial);
    }

    /** This scenario with another name and description, failure schedule and link impairments (everything else kept). */
    public Scenario withEvents(String newName, String newDescription, List<FailureEvent> newFailures,
            List<LinkImpairment> newImpairments) {
        return new Scenario(schema, newName, newDescription, topology, services, taskTypes, users, workload, run,
                newFailures, planner, models, newImpairments, trial);
    }

    /** This scenario with other planner settings (everything else kept). */
    public Scenario withPlanner(Map<String, Object> newPlanner) {
        return new Scenario(schema, name, description, topology, services, taskTypes, users, workload, run, failures,
                newPlanner, models, impairments, trial);
    }

    /** True when the scenario pins nodes (a node-less one is a workload specification for a live host). */
    public boolean pinsNodes() {
        return !topology.nodes().isEmpty();
    }

    /**
     * The system model planners see.
     *
     * @throws InvalidFieldException when the scenario pins no nodes (only a live host, which takes its
     *                               nodes from the fleet that joins, can use such a scenario)
     */
    public SystemModel model() {
        if (!pinsNodes()) {
            throw new InvalidFieldException("topology.nodes", "none in scenario " + Check.quote(name)
                    + " (expected: at least one node; a scenario without nodes serves a live host, whose nodes are the"
                    + " agents that join)");
        }
        Set<String> pinned = topology.nodesById().keySet();
        for (int u = 0; u < users.size(); u++) {
            if (!pinned.contains(users.get(u).node())) {
                throw new InvalidFieldException("users[" + u + "].node", Check.quote(users.get(u).node())
                        + " is not a node in 'topology.nodes' of scenario " + Check.quote(name) + " (expected: a pinned"
                        + " node here; a live host binds an origin that is a label or a node that joins later, the"
                        + " simulator cannot)");
            }
        }
        return new SystemModel(topology, services, taskTypes, users, workload);
    }

    /**
     * The users whose origin is not a pinned node (a label, or a node that joins a live host later), with
     * that origin; every user when the scenario pins no nodes.
     */
    public Map<String, String> unpinnedOrigins() {
        Set<String> pinned = topology.nodesById().keySet();
        Map<String, String> m = new LinkedHashMap<>();
        users.stream().filter(u -> !pinned.contains(u.node())).forEach(u -> m.put(u.id(), u.node()));
        return m;
    }

    /** The planner settings as a {@link PlannerConfig}. */
    public PlannerConfig plannerConfig() {
        return PlannerConfig.of(planner);
    }
}
