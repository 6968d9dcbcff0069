package io.github.iothubcommands;

import io.github.iothubcommands.internal.DefaultCommandClient;
import io.github.iothubcommands.internal.SystemTimeSource;
import io.github.iothubcommands.internal.Validation;
import io.github.iothubcommands.spi.HubTransport;
import io.github.iothubcommands.spi.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link CommandClient}. A transport is required; everything else has a default.
 *
 * <pre>{@code
 * CommandClient client = CommandClient.builder()
 *     .transport(fakeHub.transport())
 *     .listener(event -> log.info("{} -> {}", event.commandId(), event.status()))
 *     .build();
 * }</pre>
 */
public final class CommandClientBuilder {
  /**
   * Default feedback window: 5 minutes, which covers the hub's 1 minute receive lock and 15 s feedback
   * batching with room for delivery lag.
   */
  public static final Duration DEFAULT_FEEDBACK_WINDOW = Duration.ofMinutes(5);
  /** Maximum feedback window: 1 day. */
  public static final Duration MAX_FEEDBACK_WINDOW = Duration.ofDays(1);

  private @Nullable HubTransport transport;
  private @Nullable TimeSource timeSource;
  private Duration feedbackWindow = DEFAULT_FEEDBACK_WINDOW;
  private @Nullable RandomGenerator random;
  private final List<CommandListener> listeners = new ArrayList<>();
  private final List<FeedbackListener> feedbackListeners = new ArrayList<>();

  CommandClientBuilder() {}

  /**
   * Sets the transport the client sends through; the client owns it and closes it on {@link
   * CommandClient#close()}.
   *
   * @param transport the transport, such as {@code FakeHub.transport()}
   * @return this builder
   * @throws IllegalArgumentException if {@code transport} is null
   */
  public CommandClientBuilder transport(HubTransport transport) {
    this.transport = Validation.notNull("transport", transport);
    return this;
  }

  /**
   * Sets the time source for timestamps and deadlines. Defaults to the transport's own ({@link
   * HubTransport#timeSource()}), else the wall clock with one timer thread that the client owns and stops
   * at {@link CommandClient#close()}.
   *
   * @param timeSource the time source
   * @return this builder
   * @throws IllegalArgumentException if {@code timeSource} is null
   */
  public CommandClientBuilder timeSource(TimeSource timeSource) {
    this.timeSource = Validation.notNull("timeSource", timeSource);
    return this;
  }

  /**
   * Sets how long, after a cloud-to-device message's expiry, the client waits for feedback before it
   * infers the outcome ({@link Acknowledgement#POSITIVE}, {@link Acknowledgement#NEGATIVE}) or fails the
   * command for missing feedback ({@link Acknowledgement#FULL}).
   *
   * @param feedbackWindow between 0 s and 1 day
   * @return this builder
   * @throws IllegalArgumentException if the window is outside that range
   */
  public CommandClientBuilder feedbackWindow(Duration feedbackWindow) {
    this.feedbackWindow = Validation.durationBetween(
        "feedbackWindow", feedbackWindow, Duration.ZERO, MAX_FEEDBACK_WINDOW, false);
    return this;
  }

  /**
   * Sets where the jitter of retry delays comes from ({@link RetryPolicy}). Defaults to {@link
   * ThreadLocalRandom}. Give a seeded generator (say {@code new SplittableRandom(42)}) for a test on virtual
   * time that must replay exactly; the client serializes its calls to it, so it need not be thread-safe.
   *
   * @param random the random source
   * @return this builder
   * @throws IllegalArgumentException if {@code random} is null
   */
  public CommandClientBuilder random(RandomGenerator random) {
    this.random = Validation.notNull("random", random);
    return this;
  }

  /**
   * Adds a listener for every event: every status transition, retry scheduled and fallback taken.
   *
   * @param listener the listener
   * @return this builder
   * @throws IllegalArgumentException if {@code listener} is null
   */
  public CommandClientBuilder listener(CommandListener listener) {
    listeners.add(Validation.notNull("listener", listener));
    return this;
  }

  /**
   * Adds a listener for every cloud-to-device feedback record the client receives, its own commands' and
   * others' (see {@link FeedbackListener}).
   *
   * @param listener the listener
   * @return this builder
   * @throws IllegalArgumentException if {@code listener} is null
   */
  public CommandClientBuilder feedbackListener(FeedbackListener listener) {
    feedbackListeners.add(Validation.notNull("listener", listener));
    return this;
  }

  /**
   * Builds the client and starts receiving feedback.
   *
   * @return the client
   * @throws IllegalStateException if no transport was set
   */
  public CommandClient build() {
    HubTransport t = transport;
    if (t == null) {
      throw new IllegalStateException("transport must be set before build(): call transport(...)");
    }
    TimeSource time = timeSource != null ? timeSource : t.timeSource().orElse(null);
    SystemTimeSource owned = time == null ? SystemTimeSource.create() : null;
    return new DefaultCommandClient(t, owned != null ? owned : time, owned, feedbackWindow, List.copyOf(listeners),
        random, List.copyOf(feedbackListeners));
  }
}
