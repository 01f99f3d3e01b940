package io.rdstagflow.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdstagflow.core.Flow;
import io.rdstagflow.core.PendingOperation;
import io.rdstagflow.core.StepState;
import io.rdstagflow.core.StepState.Status;
import io.rdstagflow.core.testing.ScriptedStep;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Any step state round-trips through the tag codec, and every tag it writes obeys RDS's rules. */
class TagCodecPropertiesTest {

  /** RDS's documented rule, written independently of {@link TagRules}. */
  private static final Pattern RDS_TAG_TEXT = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");

  private static final Instant MIN = Instant.parse("1970-01-01T00:00:00Z");
  private static final Instant MAX = Instant.parse("9999-12-31T23:59:59Z");

  @Property(tries = 2000)
  void anyStepStateRoundTripsThroughItsTag(@ForAll("stepStates") StepState state, @ForAll("prefixes") String prefix) {
    TagCodec codec = new TagCodec(prefix);
    Flow flow = Flow.builder("f").step(ScriptedStep.done(state.name())).build();
    StepState expected = state.reason().isEmpty() ? state
        : withReason(state, codec.fitReason(withoutReason(state), state.reason().get()));
    PendingOperation op = operation(List.of(expected), Map.of(), Optional.empty(), Optional.empty());

    TagCodec.Decoded decoded = codec.decode(codec.encode(op), Map.of("f", flow));

    assertThat(decoded).isEqualTo(new TagCodec.Decoded.Found(op));
    assertThat(codec.encode(operation(List.of(state), Map.of(), Optional.empty(), Optional.empty())))
        .isEqualTo(codec.encode(op));
  }

  @Property(tries = 1000)
  void anyOperationRoundTripsAndEveryTagObeysRdsRules(
      @ForAll("operations") PendingOperation op, @ForAll("prefixes") String prefix) {
    TagCodec codec = new TagCodec(prefix);
    Flow.Builder flow = Flow.builder(op.flowName());
    op.steps().forEach(s -> flow.step(ScriptedStep.done(s.name())));

    Map<String, String> tags = codec.encode(op);

    for (Map.Entry<String, String> tag : tags.entrySet()) {
      assertThat(tag.getKey()).matches(RDS_TAG_TEXT).doesNotStartWith("aws:").doesNotStartWith("rds:");
      assertThat(tag.getKey().codePointCount(0, tag.getKey().length())).isBetween(1, 128);
      assertThat(tag.getValue()).matches(RDS_TAG_TEXT).doesNotStartWith("aws:").doesNotStartWith("rds:");
      assertThat(tag.getValue().codePointCount(0, tag.getValue().length())).isLessThanOrEqualTo(256);
    }
    TagCodec.Decoded decoded = codec.decode(tags, Map.of(op.flowName(), flow.build()));
    PendingOperation back = ((TagCodec.Decoded.Found) decoded).operation();
    assertThat(codec.encode(back)).isEqualTo(tags);
    assertThat(back.since()).isEqualTo(op.since());
    assertThat(back.parameters()).isEqualTo(op.parameters());
    assertThat(back.lease()).isEqualTo(op.lease());
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

  private Arbitrary<Optional<Instant>> maybeInstant() {
    return instants().optional();
  }

  private Arbitrary<String> names() {
    return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789").ofMinLength(1).ofMaxLength(40);
  }

  private Arbitrary<Optional<String>> reasons() {
    return Arbitraries.strings().ofMaxLength(400).optional();
  }

  @Provide
  Arbitrary<StepState> stepStates() {
    return Combinators.combine(names(), Arbitraries.of(Status.class), instants(), instants(),
        Arbitraries.integers().between(0, 10_000), maybeInstant(), reasons())
        .as((name, status, since, started, tries, due, reason) -> {
          boolean timed = status == Status.STARTED || status == Status.RUNNING;
          Optional<Instant> first = timed || status == Status.FAILED ? Optional.of(since) : Optional.empty();
          Optional<Instant> startedAt = status == Status.STARTED ? Optional.of(started) : Optional.empty();
          return new StepState(name, 1, status, first, startedAt, tries, due, reason);
        });
  }

  @Provide
  Arbitrary<PendingOperation> operations() {
    Arbitrary<List<StepState>> steps = stepStates().list().ofMinSize(1).ofMaxSize(8).uniqueElements(StepState::name)
        .map(TagCodecPropertiesTest::renumberMonotonically);
    Arbitrary<Map<String, String>> params = Arbitraries.maps(names(),
        Arbitraries.strings().ofMaxLength(300).map(v -> TagRules.sanitize(v, 256)).filter(v -> TagRules.valueProblem(v) == null))
        .ofMaxSize(5);
    Arbitrary<Optional<PendingOperation.Lease>> lease = Combinators.combine(
        Arbitraries.strings().withChars("abcdef0123456789-").ofMinLength(1).ofMaxLength(40), instants())
        .as(PendingOperation.Lease::new).optional();
    return Combinators.combine(steps, params, lease, reasons(), names(), instants(), maybeInstant())
        .as((s, p, l, failure, flowName, since, restarted) -> {
          PendingOperation raw = new PendingOperation(flowName, TagCodec.VERSION, since, restarted, failure, s, p, l);
          TagCodec codec = new TagCodec("tagflow:");
          return failure.isEmpty() ? raw : new PendingOperation(flowName, TagCodec.VERSION, since, restarted,
              Optional.of(codec.fitFlowReason(withoutFailure(raw), failure.get())), s, p, l);
        });
  }

  /** Gives steps their positions, and makes them monotonic as the engine writes them. */
  private static List<StepState> renumberMonotonically(List<StepState> steps) {
    TagCodec codec = new TagCodec("tagflow:");
    List<StepState> out = new ArrayList<>();
    boolean laterProgress = false;
    for (int i = steps.size() - 1; i >= 0; i--) {
      StepState s = steps.get(i);
      if (laterProgress && s.status() != Status.FAILED) {
        s = s.done();
      }
      if (s.status() == Status.STARTED || s.status() == Status.DONE) {
        laterProgress = true;
      }
      StepState numbered = new StepState(s.name(), i + 1, s.status(), s.firstAttemptAt(), s.startedAt(), s.tries(),
          s.dueAt(), Optional.empty());
      out.add(0, s.reason().isEmpty() ? numbered : withReason(numbered, codec.fitReason(numbered, s.reason().get())));
    }
    return out;
  }

  private static PendingOperation operation(List<StepState> steps, Map<String, String> params,
      Optional<String> failure, Optional<PendingOperation.Lease> lease) {
    return new PendingOperation("f", TagCodec.VERSION, Instant.parse("2026-11-24T10:00:00Z"), Optional.empty(),
        failure, steps, new LinkedHashMap<>(params), lease);
  }

  private static PendingOperation withoutFailure(PendingOperation op) {
    return new PendingOperation(op.flowName(), op.formatVersion(), op.since(), op.restartedAt(), Optional.empty(),
        op.steps(), op.parameters(), op.lease());
  }

  private static StepState withoutReason(StepState s) {
    return new StepState(s.name(), s.seq(), s.status(), s.firstAttemptAt(), s.startedAt(), s.tries(), s.dueAt(),
        Optional.empty());
  }

  private static StepState withReason(StepState s, String reason) {
    return new StepState(s.name(), s.seq(), s.status(), s.firstAttemptAt(), s.startedAt(), s.tries(), s.dueAt(),
        Optional.of(reason));
  }
}
