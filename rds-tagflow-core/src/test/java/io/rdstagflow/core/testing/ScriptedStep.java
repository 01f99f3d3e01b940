package io.rdstagflow.core.testing;

import io.rdstagflow.core.Completion;
import io.rdstagflow.core.Step;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * A step whose results a test scripts: each run takes the next scripted outcome (a result, or an
 * exception to throw), and repeats the last one when the script runs out. It records every context
 * it was run with.
 */
public final class ScriptedStep implements Step {

  private final String name;
  private final Deque<Function<StepContext, StepResult>> script = new ArrayDeque<>();
  private Function<StepContext, StepResult> last;
  private final List<StepContext> runs = new ArrayList<>();
  private volatile boolean complete = true;

  /** A step that answers {@code defaultResult} until scripted otherwise. */
  public ScriptedStep(String name, StepResult defaultResult) {
    this.name = name;
    this.last = ctx -> defaultResult;
  }

  /** A step that is {@code done} at once. */
  public static ScriptedStep done(String name) {
    return new ScriptedStep(name, StepResult.done());
  }

  /** A step that starts an asynchronous operation. */
  public static ScriptedStep started(String name) {
    return new ScriptedStep(name, StepResult.started());
  }

  /** Queues results for the next runs. */
  public ScriptedStep then(StepResult... results) {
    for (StepResult r : results) {
      script.add(ctx -> r);
    }
    return this;
  }

  /** What the step answers once the queued results are used up. */
  public synchronized ScriptedStep always(StepResult result) {
    this.last = ctx -> result;
    return this;
  }

  /** Queues an exception for the next run. */
  public ScriptedStep thenThrow(RuntimeException e) {
    script.add(ctx -> {
      throw e;
    });
    return this;
  }

  /** What {@link #completion} answers from now on. */
  public ScriptedStep complete(boolean complete) {
    this.complete = complete;
    return this;
  }

  /** How often the step ran. */
  public synchronized int runs() {
    return runs.size();
  }

  /** The contexts of every run. */
  public synchronized List<StepContext> contexts() {
    return List.copyOf(runs);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public synchronized StepResult run(StepContext context) {
    runs.add(context);
    Function<StepContext, StepResult> next = script.poll();
    return (next != null ? next : last).apply(context);
  }

  @Override
  public Completion completion(StepContext context) {
    return complete ? Completion.complete() : Completion.notYet("the script says not yet");
  }
}
