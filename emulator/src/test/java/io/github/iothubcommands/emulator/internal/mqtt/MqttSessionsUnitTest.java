package io.github.iothubcommands.emulator.internal.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubcommands.emulator.internal.auth.DeviceCredential;
import io.github.iothubcommands.engine.DeviceInfo;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What {@link MqttSessions} keeps, and for how long: one session per device, never past its identity. */
class MqttSessionsUnitTest {
  static final String KEY = "a2V5LW9uZS1rZXktb25lLWtleQ==";
  static final String OTHER_KEY = "a2V5LXR3by1rZXktdHdvLWtleQ==";
  final MqttSessions sessions = new MqttSessions();

  static DeviceInfo device(String generation, String primary, String secondary, boolean enabled) {
    return new DeviceInfo("d", generation, "etag", primary, secondary, enabled, false, 0);
  }

  static DeviceCredential credential(String generation, String key) {
    return new DeviceCredential("d", generation, key);
  }

  MqttSessions.Session keep(String generation, String key) {
    MqttSessions.Opened o = sessions.open(credential(generation, key), false,
        Optional.of(device(generation, KEY, OTHER_KEY, true)));
    sessions.closed("d", o);
    return o.session();
  }

  @Test
  void persistentSessionIsKeptAfterItsConnectionAndResumedByTheSameIdentity() {
    MqttSessions.Session kept = keep("g1", KEY);

    MqttSessions.Opened again = sessions.open(credential("g1", OTHER_KEY), false,
        Optional.of(device("g1", KEY, OTHER_KEY, true)));
    assertThat(again.present()).isTrue();
    assertThat(again.session()).isSameAs(kept);
  }

  @Test
  void cleanSessionEndsWithItsConnectionAndDiscardsTheKeptOne() {
    keep("g1", KEY);
    MqttSessions.Opened clean = sessions.open(credential("g1", KEY), true,
        Optional.of(device("g1", KEY, OTHER_KEY, true)));
    assertThat(clean.present()).isFalse();
    assertThat(sessions.hasSession("d")).isTrue(); // while connected
    sessions.closed("d", clean);
    assertThat(sessions.hasSession("d")).isFalse();
  }

  @Test
  void deletionDropsTheKeptSession() {
    keep("g1", KEY);
    sessions.deviceRemoved("d");
    assertThat(sessions.hasSession("d")).isFalse();
  }

  @Test
  void removingTheKeyTheSessionWasMadeWithDropsItAndChangingTheOtherKeyKeepsIt() {
    keep("g1", KEY);
    sessions.deviceUpdated(device("g1", KEY, "bmV3LXNlY29uZGFyeS1rZXk=", true));
    assertThat(sessions.hasSession("d")).isTrue();
    sessions.deviceUpdated(device("g1", "bmV3LXByaW1hcnkta2V5LXh4", "bmV3LXNlY29uZGFyeS1rZXk=", true));
    assertThat(sessions.hasSession("d")).isFalse();
  }

  @Test
  void disablingTheDeviceDropsTheKeptSession() {
    keep("g1", KEY);
    sessions.deviceUpdated(device("g1", KEY, OTHER_KEY, false));
    assertThat(sessions.hasSession("d")).isFalse();
  }

  @Test
  void sessionOfAnotherRegistrationIsNotResumedEvenWithTheSameKey() {
    MqttSessions.Session old = keep("g1", KEY);
    MqttSessions.Opened reborn = sessions.open(credential("g2", KEY), false,
        Optional.of(device("g2", KEY, null, true)));
    assertThat(reborn.present()).isFalse();
    assertThat(reborn.session()).isNotSameAs(old);
  }

  @Test
  void aSupersededConnectionsGoodbyeLeavesTheSessionItsSuccessorResumed() {
    MqttSessions.Session kept = keep("g1", KEY);
    MqttSessions.Opened old = sessions.open(credential("g1", KEY), false,
        Optional.of(device("g1", KEY, OTHER_KEY, true)));
    MqttSessions.Opened successor = sessions.open(credential("g1", KEY), false,
        Optional.of(device("g1", KEY, OTHER_KEY, true)));
    assertThat(successor.session()).isSameAs(kept);

    sessions.discard("d", old); // the old connection's DISCONNECT, processed on its own loop after the resume
    old.subscribed(true, true);
    assertThat(sessions.hasSession("d")).isTrue();
    assertThat(kept.messages || kept.methods).as("the old connection no longer changes the session").isFalse();

    sessions.discard("d", successor);
    assertThat(sessions.hasSession("d")).isFalse();
  }

  @Test
  void aConnectOfADeviceDeletedMeanwhileKeepsNoSession() {
    MqttSessions.Opened o = sessions.open(credential("g1", KEY), false, Optional.empty());
    assertThat(o.present()).isFalse();
    assertThat(sessions.hasSession("d")).isFalse();
    MqttSessions.Opened otherGeneration = sessions.open(credential("g1", KEY), false,
        Optional.of(device("g2", KEY, OTHER_KEY, true)));
    assertThat(otherGeneration.present()).isFalse();
    assertThat(sessions.hasSession("d")).isFalse();
  }
}
