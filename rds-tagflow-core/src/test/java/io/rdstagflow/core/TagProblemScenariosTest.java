package io.rdstagflow.core;

import static io.rdstagflow.core.EngineFixture.ID;
import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.OperationStatus.State;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** poll-scenarios.md, "Tags it does not understand", rows 24 to 28: each fails naming the tag, and nothing runs. */
class TagProblemScenariosTest {

  private final EngineFixture f = new EngineFixture();
  private TagStateMachine engine;

  @BeforeEach
  void restore() {
    engine = f.engine();
    f.restore();
    f.status("available");
  }

  private OperationStatus pollExpectingNothingRuns() {
    f.rds.resetCounts();
    OperationStatus status = engine.poll(ID);
    assertThat(status.state()).isEqualTo(State.FAILED);
    assertThat(f.settings.runs()).isZero();
    assertThat(f.users.runs()).isZero();
    assertThat(f.rds.totalCalls()).isEqualTo(1);
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
      "state=pending | it needs the fields seq and state"})
  void row24_unparseableStepValueFailsNamingTheKeyAndWhatIsWrong(String value, String problem) {
    f.rds.setTag(ID, "tagflow:step:settings", value);

    OperationStatus status = pollExpectingNothingRuns();

    assertThat(status.description()).startsWith("tag tagflow:step:settings = '" + value + "': ").contains(problem);
  }

  @Test
  void row25_stepTagForAStepTheFlowDoesNotHaveFailsNamingIt() {
    f.rds.setTag(ID, "tagflow:step:vacuum", "seq=4 state=pending");

    assertThat(pollExpectingNothingRuns().description())
        .isEqualTo("tag tagflow:step:vacuum names a step that flow restore-from-snapshot does not have");
  }

  @Test
  void unknownKeyUnderThePrefixFailsNamingIt() {
    f.rds.setTag(ID, "tagflow:colour", "blue");

    assertThat(pollExpectingNothingRuns().description()).startsWith("tag tagflow:colour is not one that rds-tagflow writes");
  }

  @Test
  void row26_missingStepTagFailsNamingTheMissingStep() {
    f.rds.deleteTag(ID, "tagflow:step:reboot");

    assertThat(pollExpectingNothingRuns().description())
        .isEqualTo("tag tagflow:step:reboot is missing: flow restore-from-snapshot needs it for step reboot (number 2)");
  }

  @Test
  void row27_stepTagsWithoutTheFlowTagFailNamingTheOrphans() {
    f.rds.deleteTag(ID, "tagflow:flow");

    assertThat(pollExpectingNothingRuns().description())
        .startsWith("tags [tagflow:step:settings, tagflow:step:reboot, tagflow:step:users, tagflow:param:snapshot]")
        .contains("the tag tagflow:flow is missing");
  }

  @Test
  void row27_everyFlowTagRemovedByHandReadsAsAnAbort() {
    for (String key : f.flowTags().keySet()) {
      f.rds.deleteTag(ID, key);
    }

    OperationStatus status = engine.poll(ID);

    assertThat(status).isEqualTo(OperationStatus.succeeded("instance is available"));
    assertThat(f.settings.runs()).isZero();
  }

  @Test
  void row28_flowNameNoRegisteredFlowHasFailsNamingTagAndValue() {
    f.rds.setTag(ID, "tagflow:flow", "name=resize v=1 since=2026-11-24T10:00:00Z state=running");

    assertThat(pollExpectingNothingRuns().description()).isEqualTo(
        "tag tagflow:flow = 'name=resize v=1 since=2026-11-24T10:00:00Z state=running': no registered flow is named 'resize'");
  }

  @Test
  void row28_newerFormatVersionFailsNamingTagAndValue() {
    f.rds.setTag(ID, "tagflow:flow", "name=restore-from-snapshot v=2 since=2026-11-24T10:00:00Z state=running");

    assertThat(pollExpectingNothingRuns().description())
        .startsWith("tag tagflow:flow = 'name=restore-from-snapshot v=2")
        .endsWith("format version 2 is newer than this engine's 1; upgrade rds-tagflow");
  }

  @Test
  void inspectShowsTheProblemAndTheRawTags() {
    f.rds.setTag(ID, "tagflow:step:users", "seq=3 state=");

    Inspection inspection = engine.inspect(ID);

    assertThat(inspection.operation()).isEmpty();
    assertThat(inspection.problem()).hasValueSatisfying(p -> assertThat(p).startsWith("tag tagflow:step:users"));
    assertThat(inspection.flowTags()).containsKey("tagflow:flow");
  }
}
