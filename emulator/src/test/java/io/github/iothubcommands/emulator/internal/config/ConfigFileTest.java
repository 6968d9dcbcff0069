package io.github.iothubcommands.emulator.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubcommands.emulator.EmulatorConfigException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
  /** A well-formed key of a length IoT Hub refuses: it must never appear in a message. */
  private static final String SHORT_KEY = Base64.getEncoder().encodeToString("eight-by".getBytes(StandardCharsets.US_ASCII));
  private static final String GOOD_KEY = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";

  @TempDir Path dir;

  @Test
  void theShippedYamlAndJsonExamplesRead() throws Exception {
    assertThat(ConfigFile.read(example("emulator.yaml")).logLevel()).contains("INFO");
    assertThat(ConfigFile.read(example("emulator.json")).logLevel()).contains("INFO");
  }

  @Test
  void docsShowTheShippedExamplesWordForWord() throws Exception {
    String docs = Files.readString(Path.of("../docs/emulator.md"));
    assertThat(docs).contains(Files.readString(example("emulator.yaml")));
    assertThat(docs).contains(Files.readString(example("emulator.json")));
  }

  @Test
  void logLevelIsOptionalAndTakesAnyCase() throws IOException {
    assertThat(ConfigFile.read(yaml("hubName: h-1\n")).logLevel()).isEmpty();
    assertThat(ConfigFile.read(yaml("logLevel: debug\n")).logLevel()).contains("DEBUG");
  }

  @Test
  void unknownKeysAreRefusedNamingTheirPathAndTheKnownKeys() throws IOException {
    assertThatThrownBy(() -> ConfigFile.read(yaml("hubname: h-1\n")))
        .isInstanceOfSatisfying(EmulatorConfigException.class, e -> {
          assertThat(e.path()).isEqualTo("hubname");
          assertThat(e.file()).isEqualTo(dir.resolve("c.yaml"));
        })
        .hasMessageStartingWith(dir.resolve("c.yaml") + ": hubname is not a known key; the keys are hubName,");
    assertThatThrownBy(() -> ConfigFile.read(yaml("devices:\n  - id: d1\n  - id: d2\n    key: x\n")))
        .hasMessageEndingWith("devices[1].key is not a known key; the keys of devices[1] are id, primaryKey,"
            + " secondaryKey, enabled");
    assertThatThrownBy(() -> ConfigFile.read(json("{\"limits\": {\"queueDepht\": 3}}")))
        .hasMessageContaining(": limits.queueDepht is not a known key; the keys of limits are queueDepth,");
    assertThatThrownBy(() -> ConfigFile.read(yaml("tier:\n  name: S1\n  unit: 2\n")))
        .hasMessageEndingWith("tier.unit is not a known key; the keys of tier are name, units");
  }

  @Test
  void badKeysAreRefusedWithTheRegistrysRuleAndNeverShown() throws IOException {
    assertThatThrownBy(() -> ConfigFile.read(yaml("devices:\n  - id: d1\n  - id: d2\n  - id: d3\n    primaryKey: "
        + SHORT_KEY + "\n")))
        .isInstanceOfSatisfying(EmulatorConfigException.class,
            e -> assertThat(e.path()).isEqualTo("devices[2].primaryKey"))
        .hasMessage(dir.resolve("c.yaml") + ": devices[2].primaryKey must be base64 of 16 to 64 bytes, but was 8 bytes");
    String notBase64 = "this-is-no-key!!" + GOOD_KEY;
    assertThatThrownBy(() -> ConfigFile.read(json("{\"devices\": [{\"id\": \"d1\", \"secondaryKey\": \"" + notBase64
        + "\"}]}")))
        .hasMessageEndingWith("devices[0].secondaryKey must be base64 of 16 to 64 bytes, but is not base64")
        .message().doesNotContain(notBase64);
    assertThatThrownBy(() -> ConfigFile.read(json("{\"devices\": [{\"id\": \"d1\", \"primaryKey\": 1234567}]}")))
        .hasMessageEndingWith("devices[0].primaryKey must be a string (base64 of 16 to 64 bytes), but was a number")
        .message().doesNotContain("1234567");
  }

  @Test
  void aWrongTypeInsideARuleIsReportedOnceWithItsFileAndPath() throws IOException {
    Path idFile = json("{\"devices\": [{\"id\": 5}]}");
    assertThatThrownBy(() -> ConfigFile.read(idFile)).message()
        .startsWith(idFile + ": devices[0].id must be a string").doesNotContain("breaks a rule")
        .satisfies(m -> assertThat(m.split(java.util.regex.Pattern.quote(idFile.toString()), -1)).hasSize(2));
    Path levelFile = yaml("logLevel: 5\n");
    assertThatThrownBy(() -> ConfigFile.read(levelFile)).message()
        .startsWith(levelFile + ": logLevel must be a string").doesNotContain("breaks a rule");
  }

  @Test
  void aFileThatIsNotValidJsonOrYamlIsRefusedByPlaceWithoutQuotingIt() throws IOException {
    assertThatThrownBy(() -> ConfigFile.read(json("{\"devices\": [{\"id\": \"d1\", \"primaryKey\": " + GOOD_KEY
        + "}]}")))
        .isInstanceOfSatisfying(EmulatorConfigException.class, e -> assertThat(e.path()).isEmpty())
        .hasMessageStartingWith(dir.resolve("c.json") + ": is not valid JSON at line 1, column ")
        .message().doesNotContain(GOOD_KEY).doesNotContain(GOOD_KEY.substring(0, 8));
    assertThatThrownBy(() -> ConfigFile.read(yaml("devices:\n  - id: d1\n    primaryKey: [" + GOOD_KEY + "\n")))
        .hasMessageStartingWith(dir.resolve("c.yaml") + ": is not valid YAML at line ")
        .message().doesNotContain(GOOD_KEY.substring(0, 8));
    assertThatThrownBy(() -> ConfigFile.read(json("{\"hubName\": \"a-1\", \"hubName\": \"b-1\"}")))
        .hasMessageStartingWith(dir.resolve("c.json") + ": is not valid JSON at line 1");
    assertThatThrownBy(() -> ConfigFile.read(yaml("- just\n- a list\n")))
        .hasMessage(dir.resolve("c.yaml") + ": must hold one YAML object (settings by key), but holds a list");
    assertThatThrownBy(() -> ConfigFile.read(yaml("")))
        .hasMessage(dir.resolve("c.yaml") + ": must hold one YAML object (settings by key), but holds nothing");
  }

  @Test
  void aFileThatCannotBeReadOrHasAnotherEndingIsRefused() throws IOException {
    Path toml = Files.writeString(dir.resolve("c.toml"), "hubName = 'x'");
    assertThatThrownBy(() -> ConfigFile.read(toml))
        .hasMessage(toml + ": must be named *.json, *.yaml or *.yml (the ending says the format), but was named c.toml");
    Path missing = dir.resolve("missing.yml");
    assertThatThrownBy(() -> ConfigFile.read(missing)).hasMessage(missing + ": cannot be read: NoSuchFileException");
  }

  @Test
  void valuesOfTheWrongTypeAreRefusedNamingPathRuleAndValue() throws IOException {
    assertThatThrownBy(() -> ConfigFile.read(yaml("httpsPort: '8443'\n")))
        .hasMessageEndingWith(": httpsPort must be a whole number, but was '8443' (a string)");
    assertThatThrownBy(() -> ConfigFile.read(yaml("devices:\n  - id: d1\n    enabled: 'no'\n")))
        .hasMessageEndingWith(": devices[0].enabled must be true or false, but was 'no' (a string)");
    assertThatThrownBy(() -> ConfigFile.read(yaml("devices: d1\n")))
        .hasMessageEndingWith(": devices must be a list of devices, but was 'd1' (a string)");
    assertThatThrownBy(() -> ConfigFile.read(yaml("limits:\n  lockTimeout: 30s\n")))
        .hasMessageEndingWith(": limits.lockTimeout must be an ISO-8601 duration such as PT30S or PT1H, but was"
            + " '30s' (a string)");
    assertThatThrownBy(() -> ConfigFile.read(yaml("hubName:\n")))
        .hasMessageEndingWith(": hubName must be a string, but was null");
    assertThatThrownBy(() -> ConfigFile.read(yaml("virtualTime: 'yes'\n")))
        .hasMessageEndingWith(": virtualTime must be true or false, but was 'yes' (a string)");
  }

  @Test
  void valuesBreakingTheirRuleAreRefusedWithTheSettersRule() throws IOException {
    assertThatThrownBy(() -> ConfigFile.read(yaml("httpsPort: 70000\n")))
        .hasMessageEndingWith(": httpsPort must be between 0 and 65535, but was 70000");
    assertThatThrownBy(() -> ConfigFile.read(yaml("hubName: -bad\n")))
        .hasMessageEndingWith(": hubName must be 3 to 50 letters, digits and hyphens, not starting or ending with a"
            + " hyphen, but was '-bad'");
    assertThatThrownBy(() -> ConfigFile.read(yaml("bindAddress: localhost\n")))
        .isInstanceOfSatisfying(EmulatorConfigException.class, e -> assertThat(e.path()).isEqualTo("bindAddress"))
        .hasMessageContaining(": bindAddress ").hasMessageContaining("localhost");
    assertThatThrownBy(() -> ConfigFile.read(yaml("devices:\n  - id: has space\n")))
        .hasMessageEndingWith(": devices[0].id must be 1 to 128 characters among ASCII letters, digits and"
            + " -.+%_#*?!(),:=@$', but was 'has space'");
    assertThatThrownBy(() -> ConfigFile.read(yaml("devices:\n  - enabled: true\n")))
        .hasMessageEndingWith(": devices[0].id is required, but is missing");
    assertThatThrownBy(() -> ConfigFile.read(yaml("devices:\n  - id: d1\n  - id: d1\n")))
        .hasMessageEndingWith(": devices[1].id must be unique, but 'd1' is listed before");
    assertThatThrownBy(() -> ConfigFile.read(yaml("limits:\n  queueDepth: 0\n")))
        .isInstanceOfSatisfying(EmulatorConfigException.class, e -> assertThat(e.path()).isEqualTo("limits.queueDepth"))
        .hasMessageEndingWith(": limits.queueDepth must be positive, but was 0");
    assertThatThrownBy(() -> ConfigFile.read(yaml("limits:\n  minResponseTimeout: PT60S\n  maxResponseTimeout: PT10S\n")))
        .isInstanceOfSatisfying(EmulatorConfigException.class, e -> assertThat(e.path()).isEqualTo("limits"))
        .hasMessageContaining(": limits breaks a rule: minResponseTimeout (PT1M)");
    assertThatThrownBy(() -> ConfigFile.read(yaml("tier:\n  name: S4\n")))
        .hasMessageEndingWith(": tier.name must be one of [F1, S1, S2, S3], but was 'S4'");
    assertThatThrownBy(() -> ConfigFile.read(yaml("tier:\n  name: F1\n  units: 2\n")))
        .isInstanceOfSatisfying(EmulatorConfigException.class, e -> assertThat(e.path()).isEqualTo("tier.units"));
    assertThatThrownBy(() -> ConfigFile.read(yaml("logLevel: LOUD\n")))
        .hasMessageEndingWith(": logLevel must be one of ERROR, WARN, INFO, DEBUG, TRACE, but was 'LOUD'");
  }

  private Path yaml(String text) throws IOException {
    return Files.writeString(dir.resolve("c.yaml"), text);
  }

  private Path json(String text) throws IOException {
    return Files.writeString(dir.resolve("c.json"), text);
  }

  static Path example(String name) throws URISyntaxException {
    return Path.of(Objects.requireNonNull(ConfigFileTest.class.getResource("/config/" + name), name).toURI());
  }
}
