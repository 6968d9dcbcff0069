package io.github.iothubcommands.emulator.internal.mqtt;

import io.github.iothubcommands.emulator.internal.auth.DeviceCredential;
import io.github.iothubcommands.engine.DeviceInfo;
import io.github.iothubcommands.engine.HubObserver;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The MQTT front door's sessions per device (MQTT 3.1.1 § 3.1.2.4).
 *
 * <p>A device that connects with clean session 0 gets a persistent session: its subscriptions (C2D and
 * methods) outlive a connection that is lost or closed by the hub, and a later clean-session-0 CONNECT of the
 * same identity resumes them (CONNACK session present 1) without subscribing again. A DISCONNECT packet ends
 * the session: the device SDK sends one only from {@code close()}, and subscribes again after its next {@code
 * open()}; a kept session would have the hub deliver a method waiting for the device's connect before the SDK
 * has a callback for it, and the SDK drops it. A clean-session-1 CONNECT discards any kept session, and its
 * own ends with the connection. A session is kept only for the identity it was made for ({@link
 * DeviceCredential}): it is dropped when the key it was authorized with leaves the device, when the device is
 * disabled or deleted, and a device deleted and created again (another generation) never resumes it. At most
 * one session per device id. An engine observer; thread-safe.
 */
public final class MqttSessions implements HubObserver {
  private final ConcurrentMap<String, Session> sessions = new ConcurrentHashMap<>();

  /** One device's MQTT session: what it subscribed to, and whether it outlives its connection. */
  static final class Session {
    final boolean persistent;
    /** The identity the session's latest CONNECT was authorized as. */
    volatile DeviceCredential credential;
    volatile boolean messages;
    volatile boolean methods;

    Session(DeviceCredential credential, boolean persistent) {
      this.credential = credential;
      this.persistent = persistent;
    }
  }

  /** A CONNECT's session: a resumed one ({@code present}) or a new one. */
  record Opened(Session session, boolean present) {}

  /**
   * Opens the session of an accepted CONNECT: resumes the device's kept session when {@code cleanSession} is
   * false and it was made for the same registration and is still valid, else starts a new one (discarding
   * any other).
   */
  Opened open(DeviceCredential credential, boolean cleanSession, Optional<DeviceInfo> device) {
    String id = credential.deviceId();
    Session[] resumed = new Session[1];
    Session s = sessions.compute(id, (k, kept) -> {
      if (!cleanSession && kept != null && kept.persistent
          && kept.credential.generationId().equals(credential.generationId())
          && kept.credential.isCurrent(device)) {
        kept.credential = credential;
        resumed[0] = kept;
        return kept;
      }
      return new Session(credential, !cleanSession);
    });
    return new Opened(s, resumed[0] != null);
  }

  /** The device said goodbye (DISCONNECT): its session ends, persistent or not. */
  void discard(String deviceId, Session session) {
    sessions.remove(deviceId, session);
  }

  /** The connection of {@code session} ended: a non-persistent session ends with it. */
  void closed(String deviceId, Session session) {
    if (!session.persistent) {
      sessions.remove(deviceId, session);
    }
  }

  /**
   * Whether the device has a kept session (persistent, or the session of a clean-session connection still
   * open).
   *
   * @param deviceId the device
   * @return {@code true} if it has one
   */
  public boolean hasSession(String deviceId) {
    return sessions.containsKey(deviceId);
  }

  /** Drops a session whose identity no longer stands (key removed, device disabled). */
  @Override
  public void deviceUpdated(DeviceInfo device) {
    sessions.computeIfPresent(device.deviceId(),
        (id, s) -> s.credential.isCurrent(Optional.of(device)) ? s : null);
  }

  @Override
  public void deviceRemoved(String deviceId) {
    sessions.remove(deviceId);
  }
}
