package sh.kaiten.benchmarks.usage;

import java.util.List;

/**
 * One traffic shape. Every report adds 1 to a SUM counter of a SOFT entitlement with a limit no run
 * reaches (10^12), so every report is counted and none signals a threshold.
 *
 * @param spread false: every report goes to one instance's counter (the hot counter); true: each
 *     report goes to one of many instances of one license, picked at random (a fleet reporting)
 * @param keyed every report carries its own idempotency key (one transaction instead of one update)
 * @param sharded the hot counter, spread over shards by the entitlement's {@code shards} setting
 */
record Scenario(String name, boolean spread, boolean keyed, boolean sharded) {

  static final List<Scenario> ALL = List.of(
      new Scenario("hot", false, false, false),
      new Scenario("hot-keys", false, true, false),
      new Scenario("spread", true, false, false),
      new Scenario("spread-keys", true, true, false),
      // The hot-counter path: the same hot counter spread over shards.
      new Scenario("hot-sharded", false, false, true));
}
