package org.edgefm.api.spi;

import java.util.List;
import java.util.Optional;
import org.edgefm.api.Check;

/**
 * The outcome of a planner call. Expected outcomes are values: a plan (possibly with notes such as
 * "solver hit its time limit, greedy fallback used"), or a statement that no feasible plan exists,
 * with reasons and optionally a best-effort plan. Bugs are exceptions; the host reports a throwing
 * plugin by name and keeps the last good decision.
 *
 * @param <T> the decision type
 */
public sealed interface PlanResult<T> permits PlanResult.Planned, PlanResult.Infeasible {

    /** {@return the plan to apply: the plan, or the best-effort plan of an infeasible result} */
    Optional<T> plan();

    /** {@return notes or reasons, in the order the planner found them} */
    List<Reason> reasons();

    /**
     * A plan, with optional notes.
     *
     * @param value the plan, not null
     * @param notes remarks on the plan (may be empty)
     * @param <T> the plan's type
     * @return the result
     */
    static <T> PlanResult<T> planned(T value, List<Reason> notes) {
        return new Planned<>(value, notes);
    }

    /**
     * A plan without notes.
     *
     * @param value the plan, not null
     * @param <T> the plan's type
     * @return the result
     */
    static <T> PlanResult<T> planned(T value) {
        return new Planned<>(value, List.of());
    }

    /**
     * No feasible plan; {@code bestEffort} may be null.
     *
     * @param reasons why no feasible plan exists (at least one)
     * @param bestEffort the best plan found despite the reasons, or null
     * @param <T> the plan's type
     * @return the result
     */
    static <T> PlanResult<T> infeasible(List<Reason> reasons, T bestEffort) {
        return new Infeasible<>(reasons, bestEffort);
    }

    /**
     * A feasible plan.
     *
     * @param value the plan
     * @param notes remarks about how it was found
     * @param <T>   the decision type
     */
    record Planned<T>(T value, List<Reason> notes) implements PlanResult<T> {
        /**
         * Validates the fields.
         *
         * @param value the plan, not null
         * @param notes remarks on the plan (may be empty)
         */
        public Planned {
            Check.notNull(value, "value");
            notes = Check.listOf(notes, "notes");
        }

        @Override
        public Optional<T> plan() {
            return Optional.of(value);
        }

        @Override
        public List<Reason> reasons() {
            return notes;
        }
    }

    /**
     * No plan satisfies every constraint.
     *
     * @param reasons    why, at least one
     * @param bestEffort a plan that violates as little as the planner could manage, or null
     * @param <T>        the decision type
     */
    record Infeasible<T>(List<Reason> reasons, T bestEffort) implements PlanResult<T> {
        /**
         * Validates the fields.
         *
         * @param reasons why no feasible plan exists (at least one)
         * @param bestEffort the best plan found despite the reasons, or null
         */
        public Infeasible {
            reasons = Check.listOf(Check.notEmpty(reasons, "reasons"), "reasons");
        }

        @Override
        public Optional<T> plan() {
            return Optional.ofNullable(bestEffort);
        }
    }
}
