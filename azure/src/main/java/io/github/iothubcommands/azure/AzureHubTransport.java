package io.github.iothubcommands.azure;

import com.azure.core.credential.AzureSasCredential;
import com.azure.core.credential.TokenCredential;
import com.microsoft.azure.sdk.iot.service.ProxyOptions;
import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.ErrorContext;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackBatch;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClientOptions;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClientOptions;
import io.github.iothubcommands.HubError;
import io.github.iothubcommands.HubException;
import io.github.iothubcommands.MethodResponse;
import io.github.iothubcommands.azure.internal.Backoff;
import io.github.iothubcommands.azure.internal.FeedbackLink;
import io.github.iothubcommands.azure.internal.Handoff;
import io.github.iothubcommands.azure.internal.MessagingLink;
import io.github.iothubcommands.azure.internal.MethodCaller;
import io.github.iothubcommands.azure.internal.ServiceConnectionString;
import io.github.iothubcommands.spi.BlockingMethodTransport;
import io.github.iothubcommands.spi.CloudToDeviceMessage;
import io.github.iothubcommands.spi.FeedbackReceiver;
import io.github.iothubcommands.spi.FeedbackSubscription;
import io.github.iothubcommands.spi.HubTransport;
import io.github.iothubcommands.spi.MethodInvocation;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * The {@link HubTransport} over the Azure IoT service SDK (iot-service-client 2.1.9): what a production
 * application adds beside core to command real devices.
 *
 * <pre>{@code
 * CommandClient client = CommandClient.builder()
 *     .transport(AzureHubTransport.fromConnectionString(System.getenv("IOTHUB_CONNECTION_STRING")))
 *     .build();
 * }</pre>
 *
 * <ul>
 *   <li>Cloud-to-device messages through one {@code MessagingClient} (AMQPS, or AMQPS over WebSockets on
 *       port 443 for proxies): message id always set (feedback correlates on it), absolute expiry,
 *       acknowledgement mode, properties. The SDK has no reconnect; this transport reopens the link with
 *       backoff and jitter after a failure, and sends made meanwhile wait (at most {@link
 *       Builder#sendTimeout(Duration)}) instead of failing.
 *   <li>Feedback through one {@code MessageFeedbackProcessorClient}: a batch is completed to the hub only
 *       after the client has taken every record in it, abandoned otherwise; the receiver restarts after a
 *       failure.
 *   <li>Direct methods through {@code DirectMethodsClient}, on a bounded pool of threads this transport owns
 *       ({@link Builder#methodConcurrency(int)}), or on the caller's thread when {@code CommandClient.send}
 *       waits for a plain direct method anyway ({@link #invokeMethodBlocking}). The HTTP read timeout of each call is derived from its own
 *       connect and response timeouts, so the SDK's 24 s read timeout never cuts a slower method short.
 *   <li>Every failure becomes a {@link io.github.iothubcommands.HubException} with its {@link
 *       io.github.iothubcommands.HubError}: see {@code docs/service-side.md} for the table.
 * </ul>
 *
 * <p>Not carried, because iot-service-client 2.1.9 cannot set it: the message's content type. The
 * command's name travels as a property, and JSON is the convention for command payloads.
 *
 * <p>{@link #close()} closes every connection and stops every thread this transport started. No shared
 * access key or signature ever appears in a log line, an exception or {@link #toString()}.
 */
public final class AzureHubTransport implements BlockingMethodTransport {
  /** Default bound on direct method calls in progress at once (each holds a thread for its call). */
  public static final int DEFAULT_METHOD_CONCURRENCY = 16;
  /** Default longest wait for the hub's answer to a cloud-to-device send, reconnects included. */
  public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(60);
  /** Default first delay before reopening a failed link; it doubles per failed attempt, with jitter. */
  public static final Duration DEFAULT_RECONNECT_DELAY = Duration.ofSeconds(1);
  /** Default longest delay between reopen attempts. */
  public static final Duration DEFAULT_MAX_RECONNECT_DELAY = Duration.ofSeconds(30);
  /** How long a feedback batch may take to be taken before it is abandoned to the hub. */
  static final Duration ACKNOWLEDGE_TIMEOUT = Duration.ofSeconds(30);

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final String host;
  private final IotHubServiceClientProtocol protocol;
  private final Clients clients;
  private final Backoff backoff;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService methodPool;
  private final ExecutorService connecting;
  /**
   * Completes what the SDK's threads report (send acknowledgements, feedback batches), so no caller's code
   * ever runs on the SDK's AMQP reactor: a callback that blocks there — a synchronous send reacting to an
   * outcome — would stall every link, or wait for an acknowledgement that reactor can no longer deliver.
   * One thread normally; a fork-join pool, because a callback that blocks waiting for a future (as {@code
   * CommandClient.send} does) makes it add a spare thread, so a send nested in a callback cannot deadlock it.
   */
  private final ForkJoinPool callbacks;
  private final MessagingLink messaging;
  private final MethodCaller methods;
  private @Nullable FeedbackLink feedback;
  private volatile boolean closed;

  private AzureHubTransport(Builder b, Clients clients) {
    this.host = clients.host();
    this.protocol = b.protocol;
    this.clients = clients;
    this.backoff = new Backoff(b.reconnectDelay, b.maxReconnectDelay);
    int n = INSTANCES.incrementAndGet();
    // One thread: it only times (send timeouts, reconnect delays); nothing that blocks runs on it.
    ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, daemon("iothub-commands-azure-" + n
        + "-timer"));
    timers.setRemoveOnCancelPolicy(true); // a send's cancelled timeout must not hold its message for 60 s
    this.scheduler = timers;
    this.methodPool = Executors.newFixedThreadPool(b.methodConcurrency, daemon("iothub-commands-azure-" + n
        + "-method"));
    this.callbacks = callbackPool("iothub-commands-azure-" + n + "-callback");
    // Opening blocks up to the SDK's open timeout; closing a broken client, up to its stop timeout. Four
    // threads: both links can be opening while both close a replaced client, and no timer waits for them.
    ThreadPoolExecutor connectingPool = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        daemon("iothub-commands-azure-" + n + "-connect"));
    connectingPool.allowCoreThreadTimeOut(true);
    this.connecting = connectingPool;
    this.messaging = new MessagingLink(clients::messaging, scheduler, connecting, b.sendTimeout, backoff);
    this.methods = new MethodCaller(clients::methods, methodPool);
  }

  /**
   * Returns a transport for the hub of this service connection string, with the defaults.
   *
   * @param connectionString a service (or iothubowner) policy's connection string
   * @return the transport
   * @throws IllegalArgumentException naming the part of the string that is missing or malformed (never the key)
   */
  public static AzureHubTransport fromConnectionString(String connectionString) {
    return builder().connectionString(connectionString).build();
  }

  /**
   * Starts a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public CompletableFuture<Void> sendCloudToDevice(CloudToDeviceMessage message) {
    return Handoff.completeOn(callbacks, messaging.send(message));
  }

  @Override
  public CompletableFuture<MethodResponse> invokeMethod(MethodInvocation invocation) {
    return methods.invoke(invocation);
  }

  /**
   * Calls the method on the caller's thread ({@code CommandClient.send}'s path): no pool thread, and so not
   * counted against {@link Builder#methodConcurrency(int)}; the caller's own threads bound these calls.
   */
  @Override
  public MethodResponse invokeMethodBlocking(MethodInvocation invocation) {
    if (closed) {
      throw HubException.builder(HubError.CONNECTION_FAILED).deviceId(invocation.deviceId())
          .detail("transport is closed").build();
    }
    return methods.invokeBlocking(invocation);
  }

  @Override
  public synchronized FeedbackSubscription startFeedback(FeedbackReceiver receiver) {
    Objects.requireNonNull(receiver, "receiver");
    if (feedback != null) {
      throw new IllegalStateException("feedback already started on this transport");
    }
    if (closed) {
      throw new IllegalStateException("transport is closed");
    }
    FeedbackLink link = new FeedbackLink(clients::feedback, receiver, callbacks, scheduler, connecting,
        ACKNOWLEDGE_TIMEOUT, backoff);
    feedback = link;
    link.start();
    return link;
  }

  /**
   * Whether the messaging link is open now; it opens on the first send and reopens after failures.
   *
   * @return {@code true} while cloud-to-device sends go straight out
   */
  public boolean isMessagingOpen() {
    return messaging.isOpen();
  }

  /**
   * Whether the feedback receiver is running now.
   *
   * @return {@code true} while feedback batches can arrive
   */
  public synchronized boolean isFeedbackRunning() {
    return feedback != null && feedback.isRunning();
  }

  /**
   * Closes the messaging link and the feedback receiver and stops every thread this transport started;
   * sends still waiting fail as {@link io.github.iothubcommands.HubError#CONNECTION_FAILED}. Idempotent.
   */
  @Override
  public void close() {
    FeedbackLink f;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      f = feedback;
    }
    try {
      messaging.close();
      if (f != null) {
        f.close();
      }
    } finally {
      scheduler.shutdownNow();
      MethodCaller.failNotStarted(methodPool.shutdownNow());
      callbacks.shutdown(); // completions already handed over still run: every send gets its answer
      connecting.shutdownNow();
      try {
        scheduler.awaitTermination(10, TimeUnit.SECONDS);
        connecting.awaitTermination(10, TimeUnit.SECONDS);
        methodPool.awaitTermination(10, TimeUnit.SECONDS);
        callbacks.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Host and protocol only. */
  @Override
  public String toString() {
    return "AzureHubTransport{host=" + host + ", protocol=" + protocol + (closed ? ", closed" : "") + '}';
  }

  private static ForkJoinPool callbackPool(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return new ForkJoinPool(1, pool -> {
      ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
      t.setName(prefix + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    }, null, true);
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory defaults = Executors.defaultThreadFactory();
    return r -> {
      Thread t = defaults.newThread(r);
      t.setName(prefix + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Makes the SDK clients from whichever credential the builder had. */
  private record Clients(String host, @Nullable ServiceConnectionString connectionString,
      @Nullable TokenCredential token, @Nullable AzureSasCredential sas, IotHubServiceClientProtocol protocol,
      @Nullable ProxyOptions proxy, @Nullable SSLContext sslContext) {

    /** AMQP always dials 5671 (443 over WebSockets): a port in the host name is for HTTPS only. */
    String amqpHost() {
      int colon = host.indexOf(':');
      return colon < 0 ? host : host.substring(0, colon);
    }

    MessagingClient messaging(java.util.function.Consumer<ErrorContext> onError) {
      MessagingClientOptions.MessagingClientOptionsBuilder o = MessagingClientOptions.builder().errorProcessor(onError);
      if (proxy != null) {
        o.proxyOptions(proxy);
      }
      if (sslContext != null) {
        o.sslContext(sslContext);
      }
      MessagingClientOptions options = o.build();
      if (connectionString != null) {
        return new MessagingClient(connectionString.value(), protocol, options);
      }
      return token != null ? new MessagingClient(amqpHost(), token, protocol, options)
          : new MessagingClient(amqpHost(), Objects.requireNonNull(sas), protocol, options);
    }

    MessageFeedbackProcessorClient feedback(java.util.function.Function<FeedbackBatch, AcknowledgementType> onBatch,
        java.util.function.Consumer<ErrorContext> onError) {
      MessageFeedbackProcessorClientOptions.MessageFeedbackProcessorClientOptionsBuilder o =
          MessageFeedbackProcessorClientOptions.builder().errorProcessor(onError);
      if (proxy != null) {
        o.proxyOptions(proxy);
      }
      if (sslContext != null) {
        o.sslContext(sslContext);
      }
      MessageFeedbackProcessorClientOptions options = o.build();
      if (connectionString != null) {
        return new MessageFeedbackProcessorClient(connectionString.value(), protocol, onBatch, options);
      }
      return token != null ? new MessageFeedbackProcessorClient(amqpHost(), token, protocol, onBatch, options)
          : new MessageFeedbackProcessorClient(amqpHost(), Objects.requireNonNull(sas), protocol, onBatch, options);
    }

    DirectMethodsClient methods(int readTimeoutSeconds) {
      DirectMethodsClientOptions.DirectMethodsClientOptionsBuilder o =
          DirectMethodsClientOptions.builder().httpReadTimeoutSeconds(readTimeoutSeconds);
      if (proxy != null) {
        o.proxyOptions(proxy);
      }
      DirectMethodsClientOptions options = o.build();
      if (connectionString != null) {
        return new DirectMethodsClient(connectionString.value(), options);
      }
      return token != null ? new DirectMethodsClient(host, token, options)
          : new DirectMethodsClient(host, Objects.requireNonNull(sas), options);
    }

    @Override
    public String toString() {
      return "Clients{host=" + host + '}';
    }
  }

  /**
   * Builds an {@link AzureHubTransport}. Set exactly one of {@link #connectionString(String)}, {@link
   * #credential(String, TokenCredential)} or {@link #credential(String, AzureSasCredential)}.
   */
  public static final class Builder {
    /** A host name, optionally with a port (a local emulator listens on one). */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_\\-.]+(:[0-9]{1,5})?");

    private @Nullable ServiceConnectionString connectionString;
    private @Nullable String hostName;
    private @Nullable TokenCredential tokenCredential;
    private @Nullable AzureSasCredential sasCredential;
    private int credentials;
    private IotHubServiceClientProtocol protocol = IotHubServiceClientProtocol.AMQPS;
    private @Nullable ProxyOptions proxyOptions;
    private @Nullable SSLContext sslContext;
    private int methodConcurrency = DEFAULT_METHOD_CONCURRENCY;
    private Duration sendTimeout = DEFAULT_SEND_TIMEOUT;
    private Duration reconnectDelay = DEFAULT_RECONNECT_DELAY;
    private Duration maxReconnectDelay = DEFAULT_MAX_RECONNECT_DELAY;

    private Builder() {}

    /**
     * Authenticates with a service connection string ({@code HostName=…;SharedAccessKeyName=…;
     * SharedAccessKey=…}), checked at once.
     *
     * @param connectionString a service or iothubowner policy's connection string
     * @return this builder
     * @throws IllegalArgumentException naming the part that is missing or malformed (never the key)
     */
    public Builder connectionString(String connectionString) {
      this.connectionString = ServiceConnectionString.parse(connectionString);
      credentials++;
      return this;
    }

    /**
     * Authenticates with an Azure AD token credential (azure-identity's {@code DefaultAzureCredential}, for
     * example); the principal needs the IoT Hub data contributor role.
     *
     * @param hostName the hub's host name, such as {@code myhub.azure-devices.net}; a {@code :port} suffix
     *     (a local emulator's HTTPS port) applies to direct methods only, since AMQP always uses 5671
     * @param credential the credential
     * @return this builder
     * @throws IllegalArgumentException if the host name is malformed or an argument is null
     */
    public Builder credential(String hostName, TokenCredential credential) {
      this.hostName = host(hostName);
      this.tokenCredential = requireArgument("credential", credential);
      credentials++;
      return this;
    }

    /**
     * Authenticates with a shared access signature; renew it with {@link AzureSasCredential#update} before
     * it expires.
     *
     * @param hostName the hub's host name, such as {@code myhub.azure-devices.net}; a {@code :port} suffix
     *     (a local emulator's HTTPS port) applies to direct methods only, since AMQP always uses 5671
     * @param credential the signature
     * @return this builder
     * @throws IllegalArgumentException if the host name is malformed or an argument is null
     */
    public Builder credential(String hostName, AzureSasCredential credential) {
      this.hostName = host(hostName);
      this.sasCredential = requireArgument("credential", credential);
      credentials++;
      return this;
    }

    /**
     * Sets the AMQP protocol for cloud-to-device messages and feedback. Default {@code AMQPS} (port 5671);
     * {@code AMQPS_WS} goes over WebSockets on port 443, through proxies.
     *
     * @param protocol the protocol
     * @return this builder
     */
    public Builder protocol(IotHubServiceClientProtocol protocol) {
      this.protocol = requireArgument("protocol", protocol);
      return this;
    }

    /**
     * Sets a proxy, for every connection (needs protocol {@code AMQPS_WS}).
     *
     * @param proxyOptions the proxy
     * @return this builder
     */
    public Builder proxyOptions(ProxyOptions proxyOptions) {
      this.proxyOptions = requireArgument("proxyOptions", proxyOptions);
      return this;
    }

    /**
     * Sets the TLS context of the AMQP connections (to trust a local emulator's certificate, for example).
     * The SDK's HTTPS client for direct methods has no such option: it uses the JVM's default ({@code
     * HttpsURLConnection.setDefaultSSLSocketFactory}).
     *
     * @param sslContext the context
     * @return this builder
     */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = requireArgument("sslContext", sslContext);
      return this;
    }

    /**
     * Sets how many direct method calls may be in progress at once; more wait for a free thread.
     *
     * @param methodConcurrency from 1 to 1024; default {@value #DEFAULT_METHOD_CONCURRENCY}
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder methodConcurrency(int methodConcurrency) {
      if (methodConcurrency < 1 || methodConcurrency > 1024) {
        throw new IllegalArgumentException("methodConcurrency must be between 1 and 1024, but was "
            + methodConcurrency);
      }
      this.methodConcurrency = methodConcurrency;
      return this;
    }

    /**
     * Sets the longest wait for the hub's answer to a cloud-to-device send, including time spent waiting
     * for the messaging link to reopen; past it the send fails as {@code CONNECTION_FAILED}.
     *
     * @param sendTimeout from 1 s to 10 min; default 60 s
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder sendTimeout(Duration sendTimeout) {
      this.sendTimeout = between("sendTimeout", sendTimeout, Duration.ofSeconds(1), Duration.ofMinutes(10));
      return this;
    }

    /**
     * Sets the backoff of reopen attempts after a link failure: the first waits up to {@code initial}, each
     * further one up to twice the previous, capped at {@code max}, with full jitter.
     *
     * @param initial from 1 ms to 1 min; default 1 s
     * @param max from {@code initial} to 10 min; default 30 s
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder reconnectBackoff(Duration initial, Duration max) {
      this.reconnectDelay = between("reconnect initial delay", initial, Duration.ofMillis(1), Duration.ofMinutes(1));
      this.maxReconnectDelay = between("reconnect max delay", max, initial, Duration.ofMinutes(10));
      return this;
    }

    /**
     * Builds the transport. Connections open in the background, on the first send and on {@link
     * HubTransport#startFeedback}.
     *
     * @return the transport
     * @throws IllegalStateException if no credential or more than one was set, or a proxy was set without
     *     protocol {@code AMQPS_WS}
     */
    public AzureHubTransport build() {
      if (credentials == 0) {
        throw new IllegalStateException("a credential must be set before build(): call connectionString(...) or "
            + "credential(hostName, ...)");
      }
      if (credentials > 1) {
        throw new IllegalStateException("set exactly one of connectionString(...) and credential(hostName, ...), "
            + "but " + credentials + " were set");
      }
      if (proxyOptions != null && protocol != IotHubServiceClientProtocol.AMQPS_WS) {
        throw new IllegalStateException("proxyOptions needs protocol AMQPS_WS (AMQP over WebSockets), but protocol "
            + "was " + protocol);
      }
      String host = connectionString != null ? connectionString.hostName() : Objects.requireNonNull(hostName);
      return new AzureHubTransport(this, new Clients(host, connectionString, tokenCredential, sasCredential,
          protocol, proxyOptions, sslContext));
    }

    private static String host(@Nullable String hostName) {
      if (hostName == null || !HOST.matcher(hostName).matches()) {
        throw new IllegalArgumentException("hostName must be a host name such as myhub.azure-devices.net (letters, "
            + "digits, '-', '_', '.', optionally ':port'), but was "
            + (hostName == null ? "null" : "'" + ServiceConnectionString.printable(hostName) + "'"));
      }
      return hostName;
    }

    private static <T> T requireArgument(String field, @Nullable T value) {
      if (value == null) {
        throw new IllegalArgumentException(field + " must not be null");
      }
      return value;
    }

    private static Duration between(String field, @Nullable Duration value, Duration min, Duration max) {
      if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(field + " must be between " + min + " and " + max + ", but was " + value);
      }
      return value;
    }
  }
}
