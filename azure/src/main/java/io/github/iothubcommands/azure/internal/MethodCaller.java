package io.github.iothubcommands.azure.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import io.github.iothubcommands.HubError;
import io.github.iothubcommands.HubException;
import io.github.iothubcommands.MethodResponse;
import io.github.iothubcommands.spi.MethodInvocation;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.IntFunction;

/**
 * Direct methods through {@link DirectMethodsClient}, whose {@code invoke} blocks for the whole call: each
 * call runs on a bounded pool the transport owns. In SDK 2.1.9 {@code httpReadTimeoutSeconds} is the
 * whole HTTP read timeout (24 s by default), so a method slower than that would fail whatever its own
 * timeouts: every call uses a client whose read timeout is its connect + response timeout plus a margin
 * (clients are cached per read timeout, at most one per distinct value).
 */
public final class MethodCaller {
  /** Added to connect + response timeout for the HTTP read timeout: the hub answers right after them. */
  public static final Duration READ_TIMEOUT_MARGIN = Duration.ofSeconds(15);

  private final IntFunction<DirectMethodsClient> clients;
  private final ExecutorService pool;
  private final ConcurrentHashMap<Integer, DirectMethodsClient> byReadTimeout = new ConcurrentHashMap<>();

  /**
   * @param clients makes a client with the given HTTP read timeout in seconds
   * @param pool runs the blocking calls
   */
  public MethodCaller(IntFunction<DirectMethodsClient> clients, ExecutorService pool) {
    this.clients = clients;
    this.pool = pool;
  }

  /** Runs the call on the pool; the future completes with the reply or fails with a {@link HubException}. */
  public CompletableFuture<MethodResponse> invoke(MethodInvocation call) {
    DirectMethodRequestOptions options;
    try {
      options = options(call);
    } catch (HubException e) {
      return CompletableFuture.failedFuture(e);
    }
    Call task = new Call(call, options);
    try {
      pool.execute(task);
    } catch (RejectedExecutionException e) {
      task.failClosed();
    }
    return task.result;
  }

  /**
   * Runs the call on the calling thread, bounded by the HTTP read timeout derived from the call's own
   * timeouts.
   *
   * @throws HubException for what the hub refused or failed, or a payload that is not JSON
   */
  public MethodResponse invokeBlocking(MethodInvocation call) {
    return call(call, options(call));
  }

  private static DirectMethodRequestOptions options(MethodInvocation call) {
    JsonElement payload;
    try {
      payload = JsonParser.parseString(call.payloadJson());
    } catch (RuntimeException e) {
      throw HubException.builder(HubError.BAD_REQUEST).deviceId(call.deviceId())
          .detail("method payload is not JSON: " + e.getMessage()).build();
    }
    return DirectMethodRequestOptions.builder().payload(payload)
        .methodConnectTimeoutSeconds((int) call.connectTimeout().toSeconds())
        .methodResponseTimeoutSeconds((int) call.responseTimeout().toSeconds()).build();
  }

  private MethodResponse call(MethodInvocation call, DirectMethodRequestOptions options) {
    try {
      DirectMethodsClient client = byReadTimeout.computeIfAbsent(readTimeoutSeconds(call), clients::apply);
      DirectMethodResponse r = client.invoke(call.deviceId(), call.methodName(), options);
      String json = r.getPayloadAsJsonElement() == null ? "null" : r.getPayloadAsJsonString();
      return new MethodResponse(r.getStatus() == null ? 0 : r.getStatus(), json);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw AzureErrors.toHubException(e, call.deviceId(), null, "direct method " + call.methodName());
    }
  }

  /**
   * Fails the calls a stopped pool never started ({@code ExecutorService.shutdownNow()} returns them), so
   * none of their futures is left without an answer.
   *
   * @param notStarted what {@code shutdownNow()} returned
   */
  public static void failNotStarted(List<Runnable> notStarted) {
    for (Runnable r : notStarted) {
      if (r instanceof Call c) {
        c.failClosed();
      }
    }
  }

  /** One call on the pool. */
  private final class Call implements Runnable {
    final CompletableFuture<MethodResponse> result = new CompletableFuture<>();
    private final MethodInvocation call;
    private final DirectMethodRequestOptions options;

    Call(MethodInvocation call, DirectMethodRequestOptions options) {
      this.call = call;
      this.options = options;
    }

    @Override
    public void run() {
      try {
        result.complete(call(call, options));
      } catch (HubException e) {
        result.completeExceptionally(e);
      }
    }

    void failClosed() {
      result.completeExceptionally(HubException.builder(HubError.CONNECTION_FAILED).deviceId(call.deviceId())
          .detail("transport is closed").build());
    }
  }

  static int readTimeoutSeconds(MethodInvocation call) {
    return (int) call.connectTimeout().plus(call.responseTimeout()).plus(READ_TIMEOUT_MARGIN).toSeconds();
  }
}
