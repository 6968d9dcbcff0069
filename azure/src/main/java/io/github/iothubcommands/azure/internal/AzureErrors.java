package io.github.iothubcommands.azure.internal;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubBadFormatException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubBadGatewayException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubConflictException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubDeviceMaximumQueueDepthExceededException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubGatewayTimeoutException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubInternalServerErrorException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubInvalidOperationException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubMessageTooLargeException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotSupportedException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubPreconditionFailedException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubServerBusyException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubTooManyDevicesException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubTooManyRequestsException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubUnauthorizedException;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.iothubcommands.HubError;
import io.github.iothubcommands.HubException;
import java.io.IOException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The service SDK's failures as {@link HubException}s. Over HTTPS the hub's six-digit {@code errorCode}
 * (404103, 403004, 429001…) decides; over AMQP the SDK reports code 0, so the exception class does.
 * Messages are redacted: no signature or key survives.
 */
public final class AzureErrors {
  /** The AMQP error condition IoT Hub rejects a throttled operation with. */
  static final String THROTTLED_CONDITION = "com.microsoft:device-container-throttled";

  private AzureErrors() {}

  /** Maps a failure of an SDK call about {@code deviceId} (and {@code commandId}, when known). */
  public static HubException toHubException(Throwable failure, String deviceId, @Nullable String commandId,
      String operation) {
    Throwable t = unwrap(failure);
    if (t instanceof HubException he) {
      return he;
    }
    HubError error;
    int code = 0;
    if (t instanceof IotHubException e) {
      code = e.getErrorCode() >= 100_000 ? e.getErrorCode() : 0;
      error = code != 0 ? HubError.fromCode(code) : byClass(e);
      if (error == HubError.UNKNOWN) {
        error = byClass(e);
      }
    } else if (t instanceof IOException || t instanceof TimeoutException || t instanceof IllegalStateException) {
      error = HubError.CONNECTION_FAILED; // socket, TLS, a closed or reconnecting client
    } else {
      error = HubError.UNKNOWN;
    }
    HubException.Builder b = HubException.builder(error).errorCode(code).deviceId(deviceId)
        .detail(operation + " for device " + deviceId + " failed: " + describe(t)).cause(sanitized(t));
    if (commandId != null) {
      b.commandId(commandId);
    }
    return b.build();
  }

  static HubError byClass(IotHubException e) {
    if (e instanceof IotHubDeviceMaximumQueueDepthExceededException) {
      return HubError.QUEUE_DEPTH_EXCEEDED;
    } else if (e instanceof IotHubTooManyDevicesException) {
      return HubError.QUEUE_DEPTH_EXCEEDED; // 403: the SDK's class for 403004 too
    } else if (e instanceof IotHubNotFoundException) {
      return HubError.DEVICE_NOT_FOUND;
    } else if (e instanceof IotHubUnauthorizedException) {
      return HubError.UNAUTHORIZED;
    } else if (e instanceof IotHubMessageTooLargeException) {
      return HubError.MESSAGE_TOO_LARGE;
    } else if (e instanceof IotHubTooManyRequestsException) {
      return HubError.THROTTLED;
    } else if (e instanceof IotHubBadFormatException || e instanceof IotHubNotSupportedException
        || e instanceof IotHubInvalidOperationException) {
      return HubError.BAD_REQUEST;
    } else if (e instanceof IotHubPreconditionFailedException) {
      return HubError.PRECONDITION_FAILED;
    } else if (e instanceof IotHubConflictException) {
      return HubError.DEVICE_ALREADY_EXISTS;
    } else if (e instanceof IotHubServerBusyException) {
      return HubError.SERVER_BUSY;
    } else if (e instanceof IotHubGatewayTimeoutException) {
      return HubError.GATEWAY_TIMEOUT;
    } else if (e instanceof IotHubInternalServerErrorException || e instanceof IotHubBadGatewayException) {
      return HubError.SERVER_ERROR;
    }
    // SDK 2.1.9 maps no AMQP condition to IotHubTooManyRequestsException: a throttled C2D send arrives as a
    // plain IotHubException naming IoT Hub's condition.
    String message = String.valueOf(e.getMessage());
    if (message.contains(THROTTLED_CONDITION)) {
      return HubError.THROTTLED;
    }
    // SDK 2.1.9 fails the sends a closing MessagingClient still held with a plain IotHubException ("… client
    // was closed while it was still queued" / "… before it was acknowledged"): the connection, not the hub.
    if (message.contains("client was closed")) {
      return HubError.CONNECTION_FAILED;
    }
    return HubError.UNKNOWN;
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  private static String describe(Throwable t) {
    return t.getClass().getSimpleName() + ": " + Secrets.redact(hubMessage(t.getMessage()));
  }

  /**
   * The readable part of the hub's error body, {@code {"errorCode":…,"trackingId":…,"message":…}} (possibly
   * wrapped in {@code {"Message":"<that JSON as a string>"}}): its message and tracking id, which Azure
   * support asks for. Anything else is returned unchanged.
   */
  static String hubMessage(@Nullable String text) {
    if (text == null || !text.trim().startsWith("{")) {
      return String.valueOf(text);
    }
    try {
      JsonObject body = JsonParser.parseString(text).getAsJsonObject();
      for (int depth = 0; depth < 2; depth++) { // the outer Message may hold the inner body as a string
        JsonElement message = body.has("message") ? body.get("message") : body.get("Message");
        if (message == null || !message.isJsonPrimitive()) {
          return text;
        }
        String m = message.getAsString();
        if (m.trim().startsWith("{")) {
          body = JsonParser.parseString(m).getAsJsonObject();
          continue;
        }
        JsonElement tracking = body.get("trackingId");
        return m + (tracking != null && tracking.isJsonPrimitive() ? " (trackingId " + tracking.getAsString() + ")" : "");
      }
      return text;
    } catch (RuntimeException e) {
      return text; // not the hub's JSON after all
    }
  }

  /**
   * The cause to attach: the SDK's own exception when no message anywhere in it (its causes and suppressed
   * exceptions included) holds a secret, else a chain of stand-ins with the same classes' names, redacted
   * messages and the same stack traces (an SDK message quoting a token must not ride along in a stack trace).
   */
  static Throwable sanitized(Throwable t) {
    return holdsSecret(t, newIdentitySet()) ? standIn(t, newIdentitySet()) : t;
  }

  private static boolean holdsSecret(Throwable t, Set<Throwable> seen) {
    if (!seen.add(t)) {
      return false;
    }
    String message = t.getMessage();
    if (message != null && !message.equals(Secrets.redact(message))) {
      return true;
    }
    for (Throwable s : t.getSuppressed()) {
      if (holdsSecret(s, seen)) {
        return true;
      }
    }
    return t.getCause() != null && holdsSecret(t.getCause(), seen);
  }

  private static Throwable standIn(Throwable t, Set<Throwable> seen) {
    seen.add(t);
    String message = t.getMessage();
    Redacted standIn = new Redacted(message == null ? t.getClass().getName()
        : t.getClass().getName() + ": " + Secrets.redact(message));
    standIn.setStackTrace(t.getStackTrace());
    for (Throwable s : t.getSuppressed()) {
      if (!seen.contains(s)) {
        standIn.addSuppressed(standIn(s, seen));
      }
    }
    Throwable cause = t.getCause();
    if (cause != null && !seen.contains(cause)) {
      standIn.initCause(standIn(cause, seen));
    }
    return standIn;
  }

  /** Stands in for an exception whose message held a secret; prints as that exception would, redacted. */
  private static final class Redacted extends Exception {
    private static final long serialVersionUID = 1L;

    Redacted(String text) {
      super(text);
    }

    @Override
    public String toString() {
      return getMessage();
    }
  }

  private static Set<Throwable> newIdentitySet() {
    return Collections.newSetFromMap(new IdentityHashMap<>());
  }
}
