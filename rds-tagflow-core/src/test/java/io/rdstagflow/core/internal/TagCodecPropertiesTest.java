package io.rdstagflow.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.Flow;
import io.rdstagflow.core.OperationToken;
import io.rdstagflow.core.internal.Operation.Lease;
import io.rdstagflow.core.internal.StepRecord.Status;
import io.rdstagflow.core.testing.ScriptedStep;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Any operation round-trips through the tag codec (format 2), with and without its token; every
 * tag it writes obeys RDS's rules; and a tag stamped with another operation is never read as this
 * one's.
 */
class TagCodecPropertiesTest {

  /** RDS's documented rule, written independently of {@link TagRules}. */
  private static final Pattern RDS_TAG_TEXT = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");

  private static final Instant MIN = Instant.parse("1970-01-01T00:00:00Z");
  private static final Instant MAX = Instant.parse("9999-12-31T23:59:59Z");
  private static final Instant START = Instant.parse("2026-11-24T10:00:00Z");

  @Property(tries = 2000)
  void anyStepRecordRoundTripsThroughItsTag(@ForAll("stepRecords") StepRecord record, @ForAll("prefixes") String prefix) {
    TagCodec codec = new TagCodec(prefix);
    Flow flow = Flow.builder("f").step(ScriptedStep.done(record.name())).build();
    String id = OperationIds.next(START);
    StepRecord expected = record.reason().isEmpty() ? record
        : withReason(record, codec.fitReason(id, withReason(record, null), record.reason().get()));
    Operation op = operation(id, flow, List.of(expected), Map.of(), null);

    TagCodec.Decoded decoded = codec.decode(codec.encode(op), null, new FlowRegistry(List.of(flow)));

    assertThat(((TagCodec.Decoded.Found) decoded).operation()).isEqualTo(op);
    assertThat(codec.encode(operation(id, flow, List.of(record), Map.of(), null))).isEqualTo(codec.encode(op));
  }

  @Property(tries = 1000)
  void anyOperationRoundTripsAndEveryTagObeysRdsRules(
      @ForAll("operations") Operation op, @ForAll("prefixes") String prefix) {
    TagCodec codec = new TagCodec(prefix);
    Flow flow = flowOf(op);

    Map<String, String> tags = codec.encode(op);

    for (Map.Entry<String, String> tag : tags.entrySet()) {
      assertThat(tag.getKey()).matches(RDS_TAG_TEXT).doesNotStartWith("aws:").doesNotStartWith("rds:");
      assertThat(tag.getKey().codePointCount(0, tag.getKey().length())).isBetween(1, 128);
      assertThat(tag.getValue()).matches(RDS_TAG_TEXT).doesNotStartWith("aws:").doesNotStartWith("rds:");
      assertThat(tag.getValue().codePointCount(0, tag.getValue().length())).isLessThanOrEqualTo(256);
    }
    FlowRegistry flows = new FlowRegistry(List.of(flow));
    Operation back = ((TagCodec.Decoded.Found) codec.decode(tags, null, flows)).operation();
    assertThat(codec.encode(back)).isEqualTo(tags);
    assertThat(back).isEqualTo(op);
    OperationToken token = OperationToken.forFlow(op.flowName(), 1, op.since(), op.id());
    assertThat(((TagCodec.Decoded.Found) codec.decode(tags, token, flows)).operation()).isEqualTo(op);
  }

  @Property(tries = 1000)
  void tagsOfAnotherOperationAreNeverEvidenceForThisOne(@ForAll("operations") Operation older) {
    TagCodec codec = new TagCodec("tagflow:");
    Flow flow = flowOf(older);
    FlowRegistry flows = new FlowRegistry(List.of(flow));
    String newerId = OperationIds.next(older.since().plusSeconds(60));
    OperationToken newer = OperationToken.forFlow(older.flowName(), 1, older.since().plusSeconds(60), newerId);

    TagCodec.Decoded decoded = codec.decode(codec.encode(older), newer, flows);

    assertThat(decoded).isInstanceOf(TagCodec.Decoded.NotVisible.class);
  }

  @Property(tries = 2000)
  void sanitizedTextIsAlwaysAValidValueOfTheAskedLength(@ForAll String text, @ForAll("lengths") int max) {
    String clean = TagRules.sanitize(text, max);

    assertThat(clean).matches(RDS_TAG_TEXT);
    assertThat(clean.codePointCount(0, clean.length())).isLessThanOrEqualTo(max);
    assertThat(TagRules.sanitize(clean, max)).isEqualTo(clean);
  }

  @Property(tries = 2000)
  void timestampsParseWhatTheyFormatLikeInstantParse(@ForAll("instants") Instant instant) {
    String text = Timestamps.format(instant);

    assertThat(Timestamps.parse(text)).isEqualTo(Instant.parse(text));
  }

  @Property(tries = 500)
  void timestampParserRejectsWhatIsNotExactlyTheTagForm(@ForAll("nearlyTimes") String text) {
    Instant parsed = Timestamps.parse(text);
    Instant canonical;
    try {
      Instant lenient = Instant.parse(text);
      canonical = Timestamps.format(lenient).equals(text) ? lenient : null;
    } catch (java.time.format.DateTimeParseException e) {
      canonical = null;
    }
    assertThat(parsed).isEqualTo(canonical);
  }

  // ---- generators ----

  @Provide
  Arbitrary<String> prefixes() {
    return Arbitraries.of("tagflow:", "x:", "my-broker/flow:", "ünïcode:");
  }

  @Provide
  Arbitrary<Integer> lengths() {
    return Arbitraries.integers().between(3, 256);
  }

  @Provide
  Arbitrary<Instant> instants() {
    return Arbitraries.longs().between(MIN.getEpochSecond(), MAX.getEpochSecond()).map(Instant::ofEpochSecond);
  }

  @Provide
  Arbitrary<String> nearlyTimes() {
    Arbitrary<String> valid = instants().map(Timestamps::format);
    return Combinators.combine(valid, Arbitraries.integers().between(0, 19), Arbitraries.chars().ascii())
        .as((t, i, c) -> t.substring(0, i) + c + t.substring(i + 1));
  }

  private Arbitrary<Instant> maybeInstant() {
    return instants().injectNull(0.5);
  }

  private Arbitrary<String> names() {
    return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789").ofMinLength(1).ofMaxLength(40);
  }

  private Arbitrary<String> reasons() {
    return Arbitraries.strings().ofMaxLength(400).injectNull(0.5);
  }

  @Provide
  Arbitrary<StepRecord> stepRecords() {
    return Combinators.combine(names(), Arbitraries.of(Status.class), instants(), instants(),
        Arbitraries.integers().between(0, 10_000), maybeInstant(), reasons())
        .as((name, status, since, started, tries, due, reason) -> {
          boolean timed = status == Status.STARTED || status == Status.RUNNING;
          Instant first = timed || status == Status.FAILED ? since : null;
          Instant startedAt = status == Status.STARTED ? started : null;
          return new StepRecord(name, 1, status, first, startedAt, tries, due, reason);
        });
  }

  @Provide
  Arbitrary<Operation> operations() {
    Arbitrary<List<StepRecord>> steps = stepRecords().list().ofMinSize(1).ofMaxSize(8)
        .uniqueElements(StepRecord::name).map(TagCodecPropertiesTest::renumberMonotonically);
    Arbitrary<Map<String, String>> params = Arbitraries.maps(names(),
        Arbitraries.strings().ofMaxLength(300).map(v -> TagRules.sanitize(v, TagCodec.maxParameterLength()))
            .filter(v -> TagRules.valueProblem(v) == null))
        .ofMaxSize(5);
    Arbitrary<Lease> lease = Combinators.combine(
        Arbitraries.strings().withChars("abcdef0123456789-").ofMinLength(1).ofMaxLength(40), instants())
        .as(Lease::new).injectNull(0.5);
    Arbitrary<Operation.State> state = Arbitraries.of(Operation.State.class);
    return Combinators.combine(steps, params, lease, reasons(), names(), instants(), maybeInstant(), state)
        .as((s, p, l, failure, flowName, since, restarted, st) -> {
          String id = OperationIds.next(since);
          List<StepRecord> records = st == Operation.State.SUCCEEDED
              ? s.stream().map(r -> StepRecord.pending(r.name(), r.seq()).done()).toList() : s;
          Instant ended = st == Operation.State.RUNNING ? null : since.plusSeconds(3600);
          String prev = since.getEpochSecond() % 2 == 0 ? null
              : OperationIds.next(since.minusSeconds(60)) + (since.getEpochSecond() % 3 == 0 ? "/succeeded" : "/failed");
          Operation raw = new Operation(id, flowName, 1, fingerprint(flowName, records), since, restarted, st, ended,
              null, records, p, l, prev);
          if (st != Operation.State.FAILED || failure == null) {
            return raw;
          }
          TagCodec codec = new TagCodec("tagflow:");
          return new Operation(id, flowName, 1, raw.fingerprint(), since, restarted, st, ended,
              codec.fitFlowReason(raw, failure), records, p, l, prev);
        });
  }

  private static String fingerprint(String flowName, List<StepRecord> steps) {
    Flow.Builder b = Flow.builder(flowName);
    steps.forEach(s -> b.step(ScriptedStep.done(s.name())));
    return b.build().fingerprint();
  }

  private static Flow flowOf(Operation op) {
    Flow.Builder b = Flow.builder(op.flowName());
    op.steps().forEach(s -> b.step(ScriptedStep.done(s.name())));
    return b.build();
  }

  /** Gives steps their positions, and makes them monotonic as the engine writes them. */
  private static List<StepRecord> renumberMonotonically(List<StepRecord> steps) {
    TagCodec codec = new TagCodec("tagflow:");
    String id = OperationIds.next(START);
    List<StepRecord> out = new ArrayList<>();
    boolean laterProgress = false;
    for (int i = steps.size() - 1; i >= 0; i--) {
      StepRecord s = steps.get(i);
      if (laterProgress && s.status() != Status.FAILED) {
        s = s.done();
      }
      if (s.status() == Status.STARTED || s.status() == Status.DONE) {
        laterProgress = true;
      }
      StepRecord numbered = new StepRecord(s.name(), i + 1, s.status(), s.firstAttemptAt().orElse(null),
          s.startedAt().orElse(null), s.tries(), s.dueAt().orElse(null), null);
      out.add(0, s.reason().isEmpty() ? numbered : withReason(numbered, codec.fitReason(id, numbered, s.reason().get())));
    }
    return out;
  }

  private static Operation operation(String id, Flow flow, List<StepRecord> steps, Map<String, String> params,
      Lease lease) {
    return new Operation(id, flow.name(), 1, flow.fingerprint(), START, null, Operation.State.RUNNING, null, null,
        steps, new LinkedHashMap<>(params), lease, null);
  }

  private static StepRecord withReason(StepRecord s, String reason) {
    return new StepRecord(s.name(), s.seq(), s.status(), s.firstAttemptAt().orElse(null), s.startedAt().orElse(null),
        s.tries(), s.dueAt().orElse(null), reason);
  }
}
