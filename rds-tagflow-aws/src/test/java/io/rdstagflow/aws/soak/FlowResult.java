package io.rdstagflow.aws.soak;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What one soak flow did and whether it kept the engine's promises: the figures the soak adds up,
 * and every violation found (empty when the flow kept them all).
 *
 * @param outcome        how it ended, by reason class ({@code succeeded}, {@code failed: tag}, ...)
 * @param polls          every poll made, overlapping ones and crashed ones included
 * @param faults         faults that hit a call or the instance, by kind
 * @param repeats        repeated step executions, by cause label
 * @param leaseExpiries  repeats that had to wait for another owner's lease to lapse
 * @param seenRecorded   repeats whose poll had last read tags that already recorded the execution
 * @param blocked        virtual time during which faults kept every poll from progressing
 * @param virtualTime    from the restore to the final answer
 * @param violations     broken invariants, each a sentence
 * @param trace          the polls, one a line, for a failure report (no secret in it)
 * @param actionRepeats  ModifyDBInstance / RebootDBInstance calls RDS applied more than once per operation
 *                       (the truth: the fake's call log), by step
 */
record FlowResult(long seed, boolean claimOn, String outcome, int polls, Map<String, Integer> faults,
    Map<String, Integer> repeats, int leaseExpiries, int seenRecorded, Duration blocked, Duration virtualTime,
    List<String> violations, String scenario, String trace, Map<String, Integer> actionRepeats) {

  boolean ok() {
    return violations.isEmpty();
  }
}
