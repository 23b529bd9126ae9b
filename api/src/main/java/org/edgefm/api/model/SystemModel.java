package org.edgefm.api.model;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefm.api.Check;
import org.edgefm.api.InvalidFieldException;

/**
 * Everything a planner knows about the system before it runs: the topology, the service catalog,
 * the task types, the users and the workload. All cross references are checked: every stage names
 * a catalog service, every user a device, every demand a user and a task type.
 *
 * @param topology  nodes and links
 * @param services  the service catalog {@code M = M^cr ∪ M^lt}
 * @param taskTypes the task types
 * @param users     the users
 * @param workload  the demand streams
 */
public record SystemModel(Topology topology, List<ServiceSpec> services, List<TaskType> taskTypes,
        List<UserSpec> users, List<Demand> workload) {
    /**
     * Validates ids and cross references, naming the path of the first bad one.
     *
     * @param topology nodes and links
     * @param services the service catalog {@code M = M^cr ∪ M^lt}
     * @param taskTypes the task types
     * @param users the users
     * @param workload the demand streams
     */
    public SystemModel {
        Check.notNull(topology, "topology");
        Check.notEmpty(topology.nodes(), "topology.nodes");
        services = Check.listOf(Check.notEmpty(services, "services"), "services");
        taskTypes = Check.listOf(Check.notEmpty(taskTypes, "taskTypes"), "taskTypes");
        users = Check.listOf(users, "users");
        workload = Check.listOf(workload, "workload");
        checkReferences(services, taskTypes, users, workload, topology.nodesById().keySet());
    }

    /**
     * Checks ids and cross references of a catalog and workload, naming the path of the first bad
     * one: every stage names a catalog service, every demand a user and a task type, and, when
     * {@code nodeIds} is not null, every user a node among them (null: users name their origin
     * node or label, resolved against the fleet that joins).
     *
     * @param services the services to keep
     * @param taskTypes the task types to keep
     * @param users the users to keep
     * @param workload the workload to keep
     * @param nodeIds the node ids to keep
     */
    public static void checkReferences(List<ServiceSpec> services, List<TaskType> taskTypes, List<UserSpec> users,
            List<Demand> workload, Set<String> nodeIds) {
        Set<String> serviceIds = unique(services.stream().map(ServiceSpec::id).toList(), "services");
        Set<String> typeIds = unique(taskTypes.stream().map(TaskType::id).toList(), "taskTypes");
        Set<String> userIds = unique(users.stream().map(UserSpec::id).toList(), "users");
        for (int t = 0; t < taskTypes.size(); t++) {
            List<Stage> stages = taskTypes.get(t).stages();
            for (int s = 0; s < stages.size(); s++) {
                if (!serviceIds.contains(stages.get(s).service())) {
                    throw new InvalidFieldException("taskTypes[" + t + "].stages[" + s + "].service",
                            Check.quote(stages.get(s).service()) + " is not a service in 'services'");
                }
            }
        }
        for (int u = 0; nodeIds != null && u < users.size(); u++) {
            if (!nodeIds.contains(users.get(u).node())) {
                throw new InvalidFieldException("users[" + u + "].node",
                        Check.quote(users.get(u).node()) + " is not a node in 'topology.nodes'");
            }
        }
        for (int d = 0; d < workload.size(); d++) {
            Demand dm = workload.get(d);
            if (!userIds.contains(dm.user())) {
                throw new InvalidFieldException("workload[" + d + "].user", Check.quote(dm.user()) + " is not a user in 'users'");
            }
            if (!typeIds.contains(dm.taskType())) {
                throw new InvalidFieldException("workload[" + d + "].taskType",
                        Check.quote(dm.taskType()) + " is not a task type in 'taskTypes'");
            }
        }
    }

    private static Set<String> unique(List<String> ids, String field) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            if (!seen.add(ids.get(i))) {
                throw new InvalidFieldException(field + "[" + i + "].id", Check.quote(ids.get(i)) + " is declared twice");
            }
        }
        return seen;
    }

    /**
     * The service with this id, or an exception naming it.
     *
     * @param id a service id
     * @return the service with this id, or an exception naming it
     */
    public ServiceSpec service(String id) {
        for (ServiceSpec s : services) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no service '" + id + "' in the catalog");
    }

    /**
     * The task type with this id, or an exception naming it.
     *
     * @param id a task type id
     * @return the task type with this id, or an exception naming it
     */
    public TaskType taskType(String id) {
        for (TaskType t : taskTypes) {
            if (t.id().equals(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("no task type '" + id + "'");
    }

    /**
     * The user with this id, or an exception naming it.
     *
     * @param id a user id
     * @return the user with this id, or an exception naming it
     */
    public UserSpec user(String id) {
        for (UserSpec u : users) {
            if (u.id().equals(id)) {
                return u;
            }
        }
        throw new IllegalArgumentException("no user '" + id + "'");
    }

    /**
     * The services of one kind, in catalog order.
     *
     * @param kind core or light
     * @return the services of one kind, in catalog order
     */
    public List<ServiceSpec> services(ServiceKind kind) {
        return services.stream().filter(s -> s.kind() == kind).toList();
    }

    /** {@return services by id, in catalog order} */
    public Map<String, ServiceSpec> servicesById() {
        Map<String, ServiceSpec> m = new LinkedHashMap<>();
        for (ServiceSpec s : services) {
            m.put(s.id(), s);
        }
        return m;
    }

    /**
     * This model with every arrival rate multiplied by {@code factor} ({@code --load}).
     *
     * @param factor the load factor, {@code > 0}
     * @return this model with every arrival rate multiplied by {@code factor} ({@code --load})
     */
    public SystemModel withLoad(double factor) {
        List<Demand> scaled = workload.stream()
                .map(d -> new Demand(d.user(), d.taskType(), d.arrivals().scaled(factor)))
                .toList();
        return new SystemModel(topology, services, taskTypes, users, scaled);
    }
}
