package io.github.iothubcommands.testkit.junit;

import io.github.iothubcommands.HubTier;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Configures the {@link io.github.iothubcommands.testkit.FakeHub} that {@link FakeHubExtension} creates for a
 * test: its limits, its throttling tier, its time and its record limit. Put it on a test class (every test in it, nested classes
 * included), on a test method, or both:
 *
 * <pre>{@code
 * @ExtendWith(FakeHubExtension.class)
 * @FakeHubSettings(queueDepth = 5, feedbackBatchInterval = "PT1S")
 * class QueueTest {
 *   @Test
 *   void refusesTheSixthMessage(FakeHub hub) { ... }          // queue depth 5, batches every second
 *
 *   @Test
 *   @FakeHubSettings(maxDeliveryCount = 2)
 *   void deadLettersAfterTwoDeliveries(FakeHub hub) { ... }   // queue depth 5, batches every second, 2 deliveries
 * }
 * }</pre>
 *
 * <p>Every attribute defaults to "not set here": an attribute not set on the method is taken from the class,
 * then from its enclosing classes, and if none sets it, the hub's default applies ({@link
 * io.github.iothubcommands.engine.HubLimits#DEFAULTS}, virtual time, {@link
 * io.github.iothubcommands.testkit.FakeHub#DEFAULT_RECORD_LIMIT}). So a method-level annotation overrides
 * only what it sets. Numbers use {@value #NOT_SET} for "not set"; durations are ISO-8601 strings
 * ({@code "PT15S"}, {@code "PT1M"}, {@code "P2D"}) and {@code ""} for "not set". An invalid value fails the
 * test with the rule and the value, as {@code HubLimits.Builder} or {@code FakeHub.Builder} would.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface FakeHubSettings {
  /** The value of a numeric attribute that is not set here. */
  int NOT_SET = -1;

  /**
   * Cloud-to-device messages a device queue holds.
   *
   * @return the queue depth, or {@value #NOT_SET}
   * @see io.github.iothubcommands.engine.HubLimits#queueDepth()
   */
  int queueDepth() default NOT_SET;

  /**
   * Largest cloud-to-device message, payload and properties, in bytes.
   *
   * @return the size, or {@value #NOT_SET}
   * @see io.github.iothubcommands.engine.HubLimits#maxMessageBytes()
   */
  int maxMessageBytes() default NOT_SET;

  /**
   * Longest expiry the hub keeps, as an ISO-8601 duration such as {@code "P2D"}.
   *
   * @return the duration, or {@code ""}
   * @see io.github.iothubcommands.engine.HubLimits#maxTimeToLive()
   */
  String maxTimeToLive() default "";

  /**
   * How long a received message stays locked, as an ISO-8601 duration such as {@code "PT1M"}.
   *
   * @return the duration, or {@code ""}
   * @see io.github.iothubcommands.engine.HubLimits#lockTimeout()
   */
  String lockTimeout() default "";

  /**
   * Deliveries of one message before it is dead-lettered.
   *
   * @return the count, or {@value #NOT_SET}
   * @see io.github.iothubcommands.engine.HubLimits#maxDeliveryCount()
   */
  int maxDeliveryCount() default NOT_SET;

  /**
   * Records per feedback batch.
   *
   * @return the size, or {@value #NOT_SET}
   * @see io.github.iothubcommands.engine.HubLimits#feedbackBatchSize()
   */
  int feedbackBatchSize() default NOT_SET;

  /**
   * Longest a feedback record waits for its batch to fill, as an ISO-8601 duration such as {@code "PT15S"}.
   *
   * @return the duration, or {@code ""}
   * @see io.github.iothubcommands.engine.HubLimits#feedbackBatchInterval()
   */
  String feedbackBatchInterval() default "";

  /**
   * Largest direct method request or response payload, in bytes.
   *
   * @return the size, or {@value #NOT_SET}
   * @see io.github.iothubcommands.engine.HubLimits#maxMethodPayloadBytes()
   */
  int maxMethodPayloadBytes() default NOT_SET;

  /**
   * Records of each kind the hub keeps; 0 keeps only counts.
   *
   * @return the record limit, or {@value #NOT_SET}
   * @see io.github.iothubcommands.testkit.FakeHub.Builder#recordLimit(int)
   */
  int recordLimit() default NOT_SET;

  /**
   * IoT Hub's throttling tier, for its quotas on cloud-to-device sends and direct methods; with {@link
   * #units()}. Not set: the hub does not throttle. Write it as a single value: {@code tier = HubTier.S1}.
   *
   * @return one tier, or none for "not set"
   * @see io.github.iothubcommands.engine.HubLimits.Builder#tier(HubTier, int)
   */
  HubTier[] tier() default {};

  /**
   * Units of the {@link #tier()}; 1 when a tier is set without units.
   *
   * @return the units, or {@value #NOT_SET}
   */
  int units() default NOT_SET;

  /**
   * Whether the hub runs on virtual time (the default) or on the wall clock.
   *
   * @return the time, or {@link Time#NOT_SET}
   */
  Time time() default Time.NOT_SET;

  /** The time a hub runs on. */
  enum Time {
    /** Not set here: taken from an enclosing element, else {@link #VIRTUAL}. */
    NOT_SET,
    /** Virtual time: nothing timed happens until {@code hub.advance(…)}. */
    VIRTUAL,
    /** The wall clock, as {@link io.github.iothubcommands.testkit.FakeHub#realTime()}. */
    REAL
  }
}
