package sh.kaiten.benchmarks.usage;

import java.util.List;

/**
 * One traffic shape. Every report adds 1 to a SUM counter of a SOFT entitlement with a limit no run
 * reaches (10^12), so every report is counted and none signals a threshold.
 *
 * @param spread false: every request goes to one instance (the hot counter); true: each goes to one
 *     of many instances of one license, picked at random (a fleet reporting)
 * @param keyed every report carries its own idempotency key (one transaction instead of one update)
 * @param sharded the hot counter, spread over shards by the entitlement's {@code shards} setting
 * @param audited each request also writes its audit record as the HTTP functions do: a report's in
 *     its counter change's transaction (usage-api), an evaluation's in a PutItem before answering
 * @param evaluates the request is an evaluation of the metered entitlement (the read path), not a
 *     report
 */
record Scenario(
    String name,
    boolean spread,
    boolean keyed,
    boolean sharded,
    boolean audited,
    boolean evaluates) {

  static final List<Scenario> ALL =
      List.of(
          new Scenario("hot", false, false, false, false, false),
          new Scenario("hot-keys", false, true, false, false, false),
          new Scenario("spread", true, false, false, false, false),
          new Scenario("spread-keys", true, true, false, false, false),
          // The hot-counter path: the same hot counter spread over shards.
          new Scenario("hot-sharded", false, false, true, false, false),
          // The audit trail's cost: the same paths with the audit write, and the evaluation path
          // with and without.
          new Scenario("hot-audited", false, false, false, true, false),
          new Scenario("spread-audited", true, false, false, true, false),
          new Scenario("evaluate", true, false, false, false, true),
          new Scenario("evaluate-audited", true, false, false, true, true));
}
