package io.github.iothubcommands.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** One registered device: registration, C2D queue, session and method calls. Guarded by the engine lock. */
final class DeviceState {
  final String id;
  final String generationId;
  @Nullable String primaryKey;
  @Nullable String secondaryKey;
  boolean enabled = true;
  long etag = 1;
  final Deque<CloudToDeviceQueues.QueuedMessage> queue = new ArrayDeque<>();
  CloudToDeviceQueues.@Nullable QueuedMessage locked;
  Sessions.@Nullable SessionImpl session;
  final List<DirectMethods.PendingCall> waitingForConnect = new ArrayList<>();
  final Map<String, DirectMethods.PendingCall> awaitingResponse = new HashMap<>();

  DeviceState(String id, String generationId, @Nullable String primaryKey, @Nullable String secondaryKey) {
    this.id = id;
    this.generationId = generationId;
    this.primaryKey = primaryKey;
    this.secondaryKey = secondaryKey;
  }

  int depth() {
    return queue.size() + (locked != null ? 1 : 0);
  }

  boolean acceptsMethods() {
    return session != null && session.methodsSubscribed;
  }

  List<CloudToDeviceQueues.QueuedMessage> allMessages() {
    List<CloudToDeviceQueues.QueuedMessage> all = new ArrayList<>();
    if (locked != null) {
      all.add(locked);
    }
    all.addAll(queue);
    return all;
  }

  Collection<DirectMethods.PendingCall> allCalls() {
    List<DirectMethods.PendingCall> all = new ArrayList<>(waitingForConnect);
    all.addAll(awaitingResponse.values());
    return all;
  }

  DeviceInfo info() {
    return new DeviceInfo(id, generationId, "etag-" + etag, primaryKey, secondaryKey, enabled, session != null,
        depth());
  }
}
