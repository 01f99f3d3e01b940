package io.rdstagflow.benchmarks.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.testkit.VirtualClock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The harness's staleness check catches what it is there to catch. */
class FleetRecorderTest {

  private final FleetRecorder recorder = new FleetRecorder(VirtualClock.create(), 60);
  private final FleetOperation a = new FleetOperation(0, "fleet-0");
  private final FleetOperation b = new FleetOperation(1, "fleet-1");

  FleetRecorderTest() {
    recorder.register(a);
    recorder.register(b);
  }

  @Test
  void aDescribeSentDuringItsInstancesPollCountsForThatPoll() {
    a.pollStartSeq = recorder.next();
    b.pollStartSeq = recorder.next();
    recorder.describeSent(List.of("fleet-0", "FLEET-1"), recorder.next());

    assertThat(a.describesInPoll).hasValue(1);
    assertThat(b.describesInPoll).hasValue(1);
    assertThat(recorder.describesOutsideAPoll()).isZero();
  }

  @Test
  void aDescribeSentBeforeThePollBeganOrWithNoPollInProgressIsCaught() {
    long sentEarlier = recorder.next();
    a.pollStartSeq = recorder.next();
    recorder.describeSent(List.of("fleet-0"), sentEarlier); // a batch already on its way when the poll began
    recorder.describeSent(List.of("fleet-1"), recorder.next()); // no poll of fleet-1 in progress: a cache's refill

    assertThat(a.describesInPoll).hasValue(0);
    assertThat(recorder.describesOutsideAPoll()).isEqualTo(2);
  }

  @Test
  void instancesOfNoOperationAreNotCounted() {
    recorder.describeSent(List.of("someone-elses-db"), recorder.next());

    assertThat(recorder.describesOutsideAPoll()).isZero();
  }
}
