package io.vigil.lab.scenario;

import io.vigil.events.Name;
import java.util.List;

/** One thing a scenario's schedule does at its time: a fault, a human's command, or an engine restart. */
public sealed interface ScenarioStep {

    /** The step as the schedule writes it, for the timeline. */
    String describe();

    /** A fault in the lab's words ({@link io.vigil.sim.Fault#HELP}). */
    record InjectFault(String fault) implements ScenarioStep {
        public String describe() {
            return "fault " + fault;
        }
    }

    /** {@code vigil approve} of the resource's current saga. */
    record Approve(String resource) implements ScenarioStep {
        public Approve {
            Name.check("resource", resource);
        }

        public String describe() {
            return "approve " + resource;
        }
    }

    /** {@code vigil failback RESOURCE}. */
    record Failback(String resource) implements ScenarioStep {
        public Failback {
            Name.check("resource", resource);
        }

        public String describe() {
            return "failback " + resource;
        }
    }

    /** The engine instance is killed and another takes over from the stores. */
    record RestartEngine() implements ScenarioStep {
        public String describe() {
            return "engine-restart";
        }
    }

    /** The engine instance is killed in the next step before its commit: that step's work is lost and done again. */
    record CrashEngine() implements ScenarioStep {
        public String describe() {
            return "engine-crash";
        }
    }

    /** NODE's agent is killed ({@code running} false) or started again. */
    record Agent(String node, boolean running) implements ScenarioStep {
        public Agent {
            Name.check("node", node);
        }

        public String describe() {
            return (running ? "agent-start " : "agent-kill ") + node;
        }
    }

    /** Kafka becomes unreachable (down) or reachable again (up). */
    record Kafka(boolean up) implements ScenarioStep {
        public String describe() {
            return up ? "kafka-up" : "kafka-down";
        }
    }

    /** A human runs a command on a host's shell (argv, no shell), as during an incident by hand. */
    record Operator(String node, List<String> argv) implements ScenarioStep {
        public Operator {
            Name.check("node", node);
            argv = List.copyOf(argv);
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("operator " + node + " names no command");
            }
        }

        public String describe() {
            return "operator " + node + " " + String.join(" ", argv);
        }
    }
}
