package io.github.iothubcommands.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.iothubcommands.Command;
import io.github.iothubcommands.CommandClient;
import io.github.iothubcommands.DirectMethod;
import io.github.iothubcommands.reactor.ReactiveCommandClient;
import io.github.iothubcommands.reactor.ReactorTimeSource;
import io.github.iothubcommands.testkit.FakeHub;
import io.github.iothubcommands.testkit.MethodReply;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * docs/reactive.md's example, kept compiling and running (ReactiveHandlerTest runs it): a WebFlux-style
 * handler — a function from a request to a {@code Mono} of a response, as {@code HandlerFunction} is — that
 * sends a direct method and answers with its outcome, without blocking a thread. Plain Reactor, no Spring:
 * in a WebFlux application the request comes from {@code ServerRequest} and the response goes to {@code
 * ServerResponse.status(r.status()).bodyValue(r.json())}.
 */
public final class ReactiveHandler {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReactiveHandler() {}

  /**
   * What the web framework hands the handler: the device and method from the path, the JSON body.
   *
   * @param deviceId the device
   * @param method the direct method's name
   * @param body the method's payload
   */
  public record CommandRequest(String deviceId, String method, Map<String, Object> body) {}

  /**
   * What the handler answers: an HTTP status and a JSON body.
   *
   * @param status the HTTP status
   * @param json the body
   */
  public record CommandResponse(int status, String json) {}

  // docs/reactive.md handler begins
  /**
   * Makes the handler: on subscription it sends the command and maps its outcome to HTTP.
   *
   * @param client the reactive client
   * @return the handler
   */
  public static Function<CommandRequest, Mono<CommandResponse>> handler(ReactiveCommandClient client) {
    DirectMethod method = DirectMethod.custom().connectTimeout(Duration.ofSeconds(1)).build();
    return request -> Mono.fromCallable(() -> Command.named(request.method()).jsonPayload(request.body()).build())
        .flatMap(command -> client.send(request.deviceId(), command, method)) // cancelled request: cancelled command
        .map(outcome -> switch (outcome.status()) {
          case SUCCEEDED -> new CommandResponse(200, outcome.methodResponse().orElseThrow().payloadJson());
          case DEVICE_OFFLINE -> new CommandResponse(503, error("device " + request.deviceId() + " is offline"));
          case TIMED_OUT -> new CommandResponse(504, error("device " + request.deviceId() + " did not answer"));
          default -> new CommandResponse(502, error(outcome.status() + ": " + outcome.detail()));
        })
        .onErrorResume(IllegalArgumentException.class, e -> Mono.just(new CommandResponse(400, error(e.getMessage()))));
  }
  // docs/reactive.md handler ends

  private static String error(String message) {
    try {
      return JSON.writeValueAsString(Map.of("error", message));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a one-string map always serializes", e);
    }
  }

  /**
   * Runs the handler on three requests against a fake hub in real time, every timer on {@code
   * Schedulers.parallel()}, and prints each response.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    // docs/reactive.md main begins
    ReactorTimeSource hubTime = ReactorTimeSource.on(Schedulers.parallel());
    try (FakeHub hub = FakeHub.builder().timeSource(hubTime).build();
        ReactiveCommandClient client = ReactiveCommandClient.builder()
            .commandClient(CommandClient.builder().transport(hub.transport()))
            .scheduler(Schedulers.parallel())
            .build()) {
      hub.device("thermostat-7")
          .onMethod("setTarget", MethodReply.respond(200, "{\"accepted\":true}").after(Duration.ofMillis(100)))
          .connect();
      hub.device("pump-2"); // registered, never connects

      Function<CommandRequest, Mono<CommandResponse>> handler = handler(client);
      Flux.just(new CommandRequest("thermostat-7", "setTarget", Map.of("celsius", 21)),
              new CommandRequest("pump-2", "start", Map.of()),
              new CommandRequest("not a device id", "start", Map.of()))
          .concatMap(handler)
          .doOnNext(response -> System.out.println(response.status() + " " + response.json()))
          .blockLast(Duration.ofSeconds(10)); // main is no Reactor thread: it may wait
    } finally {
      hubTime.close();
    }
    // docs/reactive.md main ends
  }
}
