package io.github.iothubcommands.spi;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One record of the hub's feedback on a cloud-to-device message. Immutable; built with {@link #builder()}:
 *
 * <pre>{@code
 * FeedbackRecord record = FeedbackRecord.builder()
 *     .originalMessageId("on-1").deviceId("lamp-1")
 *     .status(FeedbackStatus.SUCCESS).enqueuedTime(now)
 *     .build();
 * }</pre>
 */
public final class FeedbackRecord {
  private final String originalMessageId;
  private final String deviceId;
  private final FeedbackStatus status;
  private final Instant enqueuedTime;
  private final String description;
  private final String deviceGenerationId;

  private FeedbackRecord(Builder b, String originalMessageId, String deviceId, FeedbackStatus status,
      Instant enqueuedTime) {
    this.originalMessageId = originalMessageId;
    this.deviceId = deviceId;
    this.status = status;
    this.enqueuedTime = enqueuedTime;
    this.description = b.description != null ? b.description : status.wireValue();
    this.deviceGenerationId = b.deviceGenerationId;
  }

  /**
   * Starts a builder; original message id, device id, status and enqueued time are required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the message id the message was sent with (the command id).
   *
   * @return the original message id
   */
  public String originalMessageId() {
    return originalMessageId;
  }

  /**
   * Returns the device the message was for.
   *
   * @return the device id
   */
  public String deviceId() {
    return deviceId;
  }

  /**
   * Returns what became of the message.
   *
   * @return the status
   */
  public FeedbackStatus status() {
    return status;
  }

  /**
   * Returns when the hub recorded the outcome.
   *
   * @return the enqueued time
   */
  public Instant enqueuedTime() {
    return enqueuedTime;
  }

  /**
   * Returns the hub's text for the status; the status's wire value when the hub gave none.
   *
   * @return the description
   */
  public String description() {
    return description;
  }

  /**
   * Returns the generation id of the device registration the message was for (a device deleted and
   * created again under the same id has a new one), or an empty string when unknown.
   *
   * @return the device generation id
   */
  public String deviceGenerationId() {
    return deviceGenerationId;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof FeedbackRecord r && originalMessageId.equals(r.originalMessageId)
        && deviceId.equals(r.deviceId) && status == r.status && enqueuedTime.equals(r.enqueuedTime)
        && description.equals(r.description) && deviceGenerationId.equals(r.deviceGenerationId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(originalMessageId, deviceId, status, enqueuedTime, description, deviceGenerationId);
  }

  @Override
  public String toString() {
    return "FeedbackRecord{originalMessageId=" + originalMessageId + ", deviceId=" + deviceId + ", status="
        + status.wireValue() + ", enqueuedTime=" + enqueuedTime + ", description=" + description + '}';
  }

  /** Builds a {@link FeedbackRecord}; {@link #build()} checks that the required values are set. */
  public static final class Builder {
    private @Nullable String originalMessageId;
    private @Nullable String deviceId;
    private @Nullable FeedbackStatus status;
    private @Nullable Instant enqueuedTime;
    private @Nullable String description;
    private String deviceGenerationId = "";

    private Builder() {}

    /**
     * Sets the message id the message was sent with (required).
     *
     * @param originalMessageId the original message id
     * @return this builder
     */
    public Builder originalMessageId(String originalMessageId) {
      this.originalMessageId = Objects.requireNonNull(originalMessageId, "originalMessageId");
      return this;
    }

    /**
     * Sets the device the message was for (required).
     *
     * @param deviceId the device id
     * @return this builder
     */
    public Builder deviceId(String deviceId) {
      this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
      return this;
    }

    /**
     * Sets what became of the message (required).
     *
     * @param status the status
     * @return this builder
     */
    public Builder status(FeedbackStatus status) {
      this.status = Objects.requireNonNull(status, "status");
      return this;
    }

    /**
     * Sets when the hub recorded the outcome (required).
     *
     * @param enqueuedTime the time
     * @return this builder
     */
    public Builder enqueuedTime(Instant enqueuedTime) {
      this.enqueuedTime = Objects.requireNonNull(enqueuedTime, "enqueuedTime");
      return this;
    }

    /**
     * Sets the hub's text for the status. Default: the status's wire value.
     *
     * @param description the description
     * @return this builder
     */
    public Builder description(String description) {
      this.description = Objects.requireNonNull(description, "description");
      return this;
    }

    /**
     * Sets the device registration's generation id. Default: empty.
     *
     * @param deviceGenerationId the generation id
     * @return this builder
     */
    public Builder deviceGenerationId(String deviceGenerationId) {
      this.deviceGenerationId = Objects.requireNonNull(deviceGenerationId, "deviceGenerationId");
      return this;
    }

    /**
     * Builds the record.
     *
     * @return the record
     * @throws IllegalStateException if a required value is not set
     */
    public FeedbackRecord build() {
      String m = originalMessageId;
      String d = deviceId;
      FeedbackStatus s = status;
      Instant t = enqueuedTime;
      if (m == null || d == null || s == null || t == null) {
        throw new IllegalStateException("originalMessageId, deviceId, status and enqueuedTime must be set before "
            + "build(), but " + (m == null ? "originalMessageId" : d == null ? "deviceId" : s == null ? "status"
            : "enqueuedTime") + " was not");
      }
      return new FeedbackRecord(this, m, d, s, t);
    }
  }
}
