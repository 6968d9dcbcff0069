package io.github.iothubcommands.reactor;

import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.CommandClientBuilder;
import io.github.iothubcommands.reactor.internal.DefaultReactiveCommandClient;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;

/**
 * Builds a {@link ReactiveCommandClient} from a {@link CommandClientBuilder}, which it completes and builds:
 * it adds the listeners the reactive client needs and, when a scheduler is set, a {@link ReactorTimeSource}
 * on it as the command client's time source.
 *
 * <pre>{@code
 * ReactiveCommandClient client = ReactiveCommandClient.builder()
 *     .commandClient(CommandClient.builder().transport(transport).feedbackWindow(Duration.ofMinutes(2)))
 *     .scheduler(Schedulers.parallel())
 *     .build();
 * }</pre>
 *
 * <p>Without a scheduler the command client keeps its own time: the transport's (the fake hub's virtual
 * time) or the wall clock with a timer thread of its own.
 */
public final class ReactiveCommandClientBuilder {
  private @Nullable CommandClientBuilder commandClient;
  private @Nullable Scheduler scheduler;

  ReactiveCommandClientBuilder() {}

  /**
   * Sets the builder of the command client to adapt; {@link #build()} adds to it and builds it, so do not
   * build it yourself (use {@link ReactiveCommandClient#commandClient()}).
   *
   * @param builder a command client builder with at least its transport set
   * @return this builder
   * @throws IllegalArgumentException if {@code builder} is null
   */
  public ReactiveCommandClientBuilder commandClient(CommandClientBuilder builder) {
    if (builder == null) {
      throw new IllegalArgumentException("commandClient must not be null");
    }
    this.commandClient = builder;
    return this;
  }

  /**
   * Sets the Reactor scheduler the command client's timers run on (through a {@link ReactorTimeSource} the
   * client owns and releases at close): {@code Schedulers.parallel()} in production, a {@code
   * VirtualTimeScheduler} in tests. It replaces a time source set on the command client builder.
   *
   * @param scheduler a scheduler that supports delayed tasks
   * @return this builder
   * @throws IllegalArgumentException if {@code scheduler} is null
   */
  public ReactiveCommandClientBuilder scheduler(Scheduler scheduler) {
    if (scheduler == null) {
      throw new IllegalArgumentException("scheduler must not be null");
    }
    this.scheduler = scheduler;
    return this;
  }

  /**
   * Builds the command client and the reactive client over it, and starts receiving feedback.
   *
   * @return the client
   * @throws IllegalStateException if no command client builder was set, or its own {@code build()} refuses
   *     (no transport)
   */
  public ReactiveCommandClient build() {
    CommandClientBuilder b = commandClient;
    if (b == null) {
      throw new IllegalStateException("commandClient must be set before build(): call "
          + "commandClient(CommandClient.builder().transport(...))");
    }
    Scheduler s = scheduler;
    ReactorTimeSource time = s == null ? null : ReactorTimeSource.on(s);
    if (time != null) {
      b.timeSource(time);
    }
    DefaultReactiveCommandClient.Hooks hooks = new DefaultReactiveCommandClient.Hooks();
    b.listener(hooks.events()).feedbackListener(hooks.feedback());
    CommandClient client;
    try {
      client = b.build();
    } catch (RuntimeException e) {
      if (time != null) {
        time.close();
      }
      throw e;
    }
    return new DefaultReactiveCommandClient(client, hooks, time);
  }
}
