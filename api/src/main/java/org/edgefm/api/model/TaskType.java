package org.edgefm.api.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefm.api.Check;
import org.edgefm.api.InvalidFieldException;

/**
 * A task type {@code n}: an in-tree DAG {@code G_n} of stages with an input payload {@code A_n}
 * and an end-to-end deadline {@code D_n} (paper 1, Sec. II). Leaves receive the task's input from
 * the user; the single sink produces the result.
 *
 * @param id         unique task type id
 * @param inputMb    input payload {@code A_n} in MB (each leaf receives it; see papers.md 1.2)
 * @param deadlineMs end-to-end deadline {@code D_n} in ms
 * @param stages     the stages; exactly one sink, every stage reaches it, no cycles
 */
public record TaskType(String id, double inputMb, double deadlineMs, List<Stage> stages) {
    /**
     * Validates the DAG: unique stage ids, known successors, exactly one sink, no cycles.
     *
     * @param id unique task type id
     * @param inputMb input payload {@code A_n} in MB (each leaf receives it; see papers.md 1.2)
     * @param deadlineMs end-to-end deadline {@code D_n} in ms
     * @param stages the stages; exactly one sink, every stage reaches it, no cycles
     */
    public TaskType {
        Check.id(id, "id");
        Check.positive(inputMb, "inputMb");
        Check.positive(deadlineMs, "deadlineMs");
        stages = Check.listOf(Check.notEmpty(stages, "stages"), "stages");
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < stages.size(); i++) {
            if (index.put(stages.get(i).id(), i) != null) {
                throw new InvalidFieldException("stages[" + i + "].id", Check.quote(stages.get(i).id()) + " is declared twice");
            }
        }
        int sinks = 0;
        for (int i = 0; i < stages.size(); i++) {
            Stage s = stages.get(i);
            if (s.isSink()) {
                sinks++;
            } else if (!index.containsKey(s.next())) {
                throw new InvalidFieldException("stages[" + i + "].next", Check.quote(s.next()) + " is not a stage of this task type");
            }
        }
        if (sinks != 1) {
            throw new InvalidFieldException("stages", sinks + " stages without 'next' (expected: exactly one sink)");
        }
        for (int i = 0; i < stages.size(); i++) {
            Set<String> seen = new HashSet<>();
            Stage s = stages.get(i);
            while (!s.isSink()) {
                if (!seen.add(s.id())) {
                    throw new InvalidFieldException("stages[" + i + "].next", "the chain from " + Check.quote(stages.get(i).id())
                            + " loops back to " + Check.quote(s.id()) + " (expected: an in-tree without cycles)");
                }
                s = stages.get(index.get(s.next()));
            }
        }
    }

    /**
     * The stage with this id, or an exception naming it.
     *
     * @param stageId the stage id
     * @return the stage with this id, or an exception naming it
     */
    public Stage stage(String stageId) {
        for (Stage s : stages) {
            if (s.id().equals(stageId)) {
                return s;
            }
        }
        throw new IllegalArgumentException("task type '" + id + "' has no stage '" + stageId + "'");
    }

    /** {@return the sink stage} */
    public Stage sink() {
        for (Stage s : stages) {
            if (s.isSink()) {
                return s;
            }
        }
        throw new AssertionError("validated in the constructor");
    }

    /**
     * The parents of a stage (the stages whose {@code next} is it), in declaration order.
     *
     * @param stageId the stage id
     * @return the parents of a stage (the stages whose {@code next} is it), in declaration order
     */
    public List<Stage> parents(String stageId) {
        List<Stage> out = new ArrayList<>();
        for (Stage s : stages) {
            if (stageId.equals(s.next())) {
                out.add(s);
            }
        }
        return out;
    }

    /** {@return the leaves: stages without parents, which receive the task's input} */
    public List<Stage> leaves() {
        Set<String> hasParent = new HashSet<>();
        for (Stage s : stages) {
            if (!s.isSink()) {
                hasParent.add(s.next());
            }
        }
        List<Stage> out = new ArrayList<>();
        for (Stage s : stages) {
            if (!hasParent.contains(s.id())) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * The stages in an order where every parent precedes its child (leaves first, sink last), the
     * order in which eq. (4)'s recursion can be evaluated.
     *
     * @return the stages, parents before children
     */
    public List<Stage> topologicalOrder() {
        Map<String, Integer> pending = new HashMap<>();
        for (Stage s : stages) {
            pending.putIfAbsent(s.id(), 0);
            if (!s.isSink()) {
                pending.merge(s.next(), 1, Integer::sum);
            }
        }
        List<Stage> order = new ArrayList<>(leaves());
        for (int i = 0; i < order.size(); i++) {
            Stage s = order.get(i);
            if (!s.isSink() && pending.merge(s.next(), -1, Integer::sum) == 0) {
                order.add(stage(s.next()));
            }
        }
        return order;
    }
}
