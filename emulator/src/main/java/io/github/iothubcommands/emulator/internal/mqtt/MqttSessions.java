package io.github.iothubcommands.emulator.internal.mqtt;

import io.github.iothubcommands.emulator.internal.auth.DeviceCredential;
import io.github.iothubcommands.engine.DeviceInfo;
import io.github.iothubcommands.engine.HubObserver;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

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
    /** The connection that holds the session now: only it may change or end it. */
    volatile @Nullable Opened holder;

    Session(DeviceCredential credential, boolean persistent) {
      this.credential = credential;
      this.persistent = persistent;
    }
  }

  /**
   * A CONNECT's hold on a session: a resumed one ({@code present}) or a new one. A later CONNECT of the same
   * device takes the session over; the earlier connection, closing on another event loop, then no longer
   * holds it, and its goodbye, close or subscriptions leave the session alone.
   */
  record Opened(Session session, boolean present) {
    /** Whether this connection still holds its session. */
    boolean holds() {
      return session.holder == this;
    }

    /** Records subscriptions, if this connection still holds the session. */
    void subscribed(boolean messages, boolean methods) {
      if (holds()) {
        session.messages |= messages;
        session.methods |= methods;
      }
    }
  }

  /**
   * Opens the session of an accepted CONNECT: resumes the device's kept session when {@code cleanSession} is
   * false and it was made for the same registration and is still valid, else starts a new one (discarding
   * any other). A device that is gone, or is another registration than the credential's, gets a session that
   * is not kept.
   */
  Opened open(DeviceCredential credential, boolean cleanSession, Optional<DeviceInfo> device) {
    String id = credential.deviceId();
    if (device.isEmpty() || !device.get().generationId().equals(credential.generationId())) {
      Opened unkept = new Opened(new Session(credential, false), false); // deleted while it connected
      unkept.session().holder = unkept;
      return unkept;
    }
    Opened[] opened = new Opened[1];
    sessions.compute(id, (k, kept) -> {
      Session s;
      boolean present = !cleanSession && kept != null && kept.persistent
          && kept.credential.generationId().equals(credential.generationId())
          && kept.credential.isCurrent(device);
      if (present) {
        kept.credential = credential;
        s = kept;
      } else {
        s = new Session(credential, !cleanSession);
      }
      opened[0] = new Opened(s, present);
      s.holder = opened[0];
      return s;
    });
    return opened[0];
  }

  /** The device said goodbye (DISCONNECT) on the connection that holds its session: the session ends. */
  void discard(String deviceId, Opened opened) {
    sessions.computeIfPresent(deviceId, (k, s) -> s == opened.session() && opened.holds() ? null : s);
  }

  /** The connection of {@code opened} ended: a non-persistent session it still holds ends with it. */
  void closed(String deviceId, Opened opened) {
    if (!opened.session().persistent) {
      discard(deviceId, opened);
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
