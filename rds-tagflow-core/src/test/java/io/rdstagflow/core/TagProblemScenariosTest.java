package io.rdstagflow.core;

import static io.rdstagflow.core.EngineFixture.FLOW;
import static io.rdstagflow.core.EngineFixture.ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rdstagflow.core.OperationStatus.State;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * poll-scenarios.md, "Tags it does not understand", rows 24 to 28 (each fails naming the tag, and
 * nothing runs), with version 2's rows 49 (user tags under the prefix) and 56 (a newer format).
 */
class TagProblemScenariosTest {

  private final EngineFixture f = new EngineFixture();
  private TagStateMachine engine;
  private OperationToken token;

  @BeforeEach
  void restore() {
    engine = f.engine();
    token = f.restore();
    f.status("available");
  }

  private OperationStatus pollExpectingNothingRuns(State expected) {
    f.rds.resetCounts();
    OperationStatus status = engine.poll(ID);
    assertThat(status.state()).isEqualTo(expected);
    assertThat(engine.poll(ID, token).state()).isEqualTo(expected);
    assertThat(f.settings.runs()).isZero();
    assertThat(f.users.runs()).isZero();
    assertThat(f.rds.totalCalls()).isEqualTo(2);
    return status;
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "seq=1 state=bogus | state=bogus is not one of pending, running, started, done, failed",
      "seq=1 state=started | state=started needs a since= time",
      "seq=1 state=running since=yesterday tries=0 | since=yesterday is not a UTC time",
      "seq=one state=pending | seq=one is not a step number",
      "seq=1 state=pending colour=blue | unknown field 'colour'",
      "seq=2 state=pending | step settings is number 1 in flow restore-from-snapshot, the tag says seq=2",
      "gibberish | 'gibberish' is not a field=value word",
      "state=pending | it needs the fields op, seq and state"})
  void row24_unparseableStepValueFailsNamingTheKeyAndWhatIsWrong(String value, String problem) {
    f.setOwnTag("step:settings", value);

    OperationStatus status = pollExpectingNothingRuns(State.FAILED);

    assertThat(status.description()).startsWith("tag tagflow:step:settings = 'op=" + f.opId() + " " + value + "': ")
        .contains(problem);
  }

  @Test
  void row24_aLibraryValueWithoutAnOperationStampFailsNamingIt() {
    f.rds.setTag(ID, "tagflow:step:settings", "seq=1 state=done");

    assertThat(pollExpectingNothingRuns(State.FAILED).description())
        .isEqualTo("tag tagflow:step:settings = 'seq=1 state=done': it needs the fields op, seq and state");
  }

  @Test
  void row25_stepTagForAStepTheFlowDoesNotHaveFailsNamingIt() {
    f.setOwnTag("step:vacuum", "seq=4 state=pending");

    assertThat(pollExpectingNothingRuns(State.FAILED).description())
        .isEqualTo("tag tagflow:step:vacuum names a step that flow restore-from-snapshot (definition 1) does not have");
  }

  @Test
  void row49_userTagsUnderThePrefixAreIgnoredAndKept() {
    f.rds.setTag(ID, "tagflow:colour", "blue");
    f.rds.setTag(ID, "tagflow:step:Not A Step", "anything");
    f.rds.setTag(ID, "tagflowparam:x", "y");

    OperationStatus status = engine.poll(ID, token);

    assertThat(status.description()).isEqualTo("step settings started");
    assertThat(f.rds.tags(ID)).containsEntry("tagflow:colour", "blue").containsEntry("tagflow:step:Not A Step",
        "anything");
  }

  @Test
  void row26_missingStepTagFailsNamingTheMissingStep() {
    f.rds.deleteTag(ID, "tagflow:step:reboot");

    assertThat(pollExpectingNothingRuns(State.FAILED).description())
        .isEqualTo("tag tagflow:step:reboot is missing: flow restore-from-snapshot needs it for step reboot (number 2)");
  }

  @Test
  void row27_stepTagsWithoutTheFlowTagFailNamingTheOrphansWithOrWithoutAToken() {
    f.rds.deleteTag(ID, "tagflow:flow");

    assertThat(pollExpectingNothingRuns(State.FAILED).description())
        .startsWith("tags [tagflow:step:settings, tagflow:step:reboot, tagflow:step:users, tagflow:param:snapshot]")
        .contains("the tag tagflow:flow is missing");
  }

  @Test
  void row27_everyLibraryTagRemovedByHandIsNeverASuccessWithTheToken() {
    for (String key : f.flowTags().keySet()) {
      f.rds.deleteTag(ID, key);
    }

    assertThat(engine.poll(ID)).as("without a token the status alone answers")
        .isEqualTo(OperationStatus.succeeded("instance is available"));
    assertThat(engine.poll(ID, token).state()).isEqualTo(State.IN_PROGRESS);
    f.advance(Duration.ofMinutes(6));
    OperationStatus status = engine.poll(ID, token);
    assertThat(status.state()).isEqualTo(State.FAILED);
    assertThat(status.description()).contains("never appeared on instance " + ID);
    assertThat(f.settings.runs()).isZero();
  }

  @Test
  void row28_flowNameNoRegisteredFlowHasWaitsForABrokerThatKnowsItThenFailsNamingTagAndValue() {
    String value = "op=" + f.opId() + " v=2 name=resize def=1 fp=abcd since=2026-11-24T10:00:00Z state=running";
    f.rds.setTag(ID, "tagflow:flow", value);

    assertThat(pollExpectingNothingRuns(State.IN_PROGRESS).description())
        .startsWith("tag tagflow:flow = '" + value + "': no flow named 'resize' is registered");
    f.advance(Duration.ofDays(1).plusMinutes(1));
    assertThat(pollExpectingNothingRuns(State.FAILED).description())
        .startsWith("tag tagflow:flow = '" + value + "': no flow named 'resize' is registered");
  }

  @Test
  void row56_aNewerFormatIsInProgressAndNothingRunsOrIsWritten() {
    f.rds.setTag(ID, "tagflow:flow", "op=" + f.opId() + " v=3 something=new");

    OperationStatus status = pollExpectingNothingRuns(State.IN_PROGRESS);

    assertThat(status.description()).contains("format 3, newer than this engine's 2");
    assertThat(engine.poll(ID, OperationToken.parse("tagflow/3/whatever/comes/next")).state())
        .isEqualTo(State.IN_PROGRESS);
    assertThatThrownBy(() -> engine.begin(ID, FLOW)).isInstanceOf(ConcurrentOperationException.class);
  }

  @Test
  void inspectShowsTheProblemAndTheRawTags() {
    f.setOwnTag("step:users", "seq=3 state=");

    Inspection inspection = engine.inspect(ID);

    assertThat(inspection.operation()).isEmpty();
    assertThat(inspection.problem()).hasValueSatisfying(p -> assertThat(p).startsWith("tag tagflow:step:users"));
    assertThat(inspection.libraryTags()).containsKey("tagflow:flow");
  }
}
