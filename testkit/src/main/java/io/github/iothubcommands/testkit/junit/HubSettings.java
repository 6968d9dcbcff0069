package io.github.iothubcommands.testkit.junit;

import io.github.iothubcommands.engine.HubLimits;
import io.github.iothubcommands.testkit.FakeHub;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.ToIntFunction;

/** Merges {@link FakeHubSettings}, nearest first: each attribute from the first annotation that sets it. */
final class HubSettings {
  private final List<FakeHubSettings> nearestFirst;

  HubSettings(List<FakeHubSettings> nearestFirst) {
    this.nearestFirst = List.copyOf(nearestFirst);
  }

  /** Builds the hub; an invalid setting throws {@link IllegalArgumentException} naming it. */
  FakeHub newHub() {
    HubLimits.Builder limits = HubLimits.custom();
    ifSet(FakeHubSettings::queueDepth, limits::queueDepth);
    ifSet(FakeHubSettings::maxMessageBytes, limits::maxMessageBytes);
    ifSet("maxTimeToLive", FakeHubSettings::maxTimeToLive, limits::maxTimeToLive);
    ifSet("lockTimeout", FakeHubSettings::lockTimeout, limits::lockTimeout);
    ifSet(FakeHubSettings::maxDeliveryCount, limits::maxDeliveryCount);
    ifSet(FakeHubSettings::feedbackBatchSize, limits::feedbackBatchSize);
    ifSet("feedbackBatchInterval", FakeHubSettings::feedbackBatchInterval, limits::feedbackBatchInterval);
    ifSet(FakeHubSettings::maxMethodPayloadBytes, limits::maxMethodPayloadBytes);
    for (FakeHubSettings s : nearestFirst) {
      if (s.tier().length > 1) {
        throw new IllegalArgumentException("tier must be one value, but was " + java.util.Arrays.toString(s.tier()));
      }
      if (s.tier().length == 1) {
        int[] units = {1};
        ifSet(FakeHubSettings::units, u -> units[0] = u);
        limits.tier(s.tier()[0], units[0]);
        break;
      }
    }
    FakeHub.Builder hub = FakeHub.builder().limits(limits.build());
    ifSet(FakeHubSettings::recordLimit, hub::recordLimit);
    for (FakeHubSettings s : nearestFirst) {
      if (s.time() != FakeHubSettings.Time.NOT_SET) {
        if (s.time() == FakeHubSettings.Time.REAL) {
          hub.realTime();
        }
        break;
      }
    }
    return hub.build();
  }

  private void ifSet(ToIntFunction<FakeHubSettings> attribute, IntConsumer setter) {
    for (FakeHubSettings s : nearestFirst) {
      int value = attribute.applyAsInt(s);
      if (value != FakeHubSettings.NOT_SET) {
        setter.accept(value);
        return;
      }
    }
  }

  private void ifSet(String name, Function<FakeHubSettings, String> attribute, Consumer<Duration> setter) {
    for (FakeHubSettings s : nearestFirst) {
      String value = attribute.apply(s);
      if (!value.isEmpty()) {
        try {
          setter.accept(Duration.parse(value));
        } catch (DateTimeParseException e) {
          throw new IllegalArgumentException(name + " must be an ISO-8601 duration such as PT15S, but was '"
              + value + "'", e);
        }
        return;
      }
    }
  }
}
