package io.github.iothubcommands.emulator.internal.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The emulator's TLS identity, generated at start: an EC P-256 key and a self-signed certificate (CN and
 * SAN {@code DNS:localhost}, SAN {@code IP:127.0.0.1}, and SAN {@code IP:} the bind address when it is
 * another one; server authentication only), exported as a PKCS12 trust store. Paho checks the IP SAN
 * (device connection strings name the address); {@code HttpsURLConnection} checks the DNS SAN when
 * service clients dial localhost, the IP SAN when they dial an address. BouncyCastle only builds the
 * certificate; the JDK's providers sign and verify.
 */
public final class TlsMaterial {
  /** The trust store's type. */
  public static final String TRUST_STORE_TYPE = "PKCS12";
  private static final String ALIAS = "iothub-emulator";

  private final KeyPair keyPair;
  private final X509Certificate certificate;
  private final Path trustStorePath;
  private final String trustStorePassword;
  private final SSLContext clientContext;

  private TlsMaterial(KeyPair keyPair, X509Certificate certificate, Path trustStorePath, String password,
      SSLContext clientContext) {
    this.keyPair = keyPair;
    this.certificate = certificate;
    this.trustStorePath = trustStorePath;
    this.trustStorePassword = password;
    this.clientContext = clientContext;
  }

  /**
   * Generates a key pair and certificate for localhost and 127.0.0.1 and writes the trust store into {@code
   * dir}.
   *
   * @param dir where the trust store file goes (created if needed)
   * @return the material
   * @throws IllegalStateException if generation or writing fails
   */
  public static TlsMaterial generate(Path dir) {
    return generate(dir, List.of());
  }

  /**
   * Generates a key pair and certificate for localhost, 127.0.0.1 and the given addresses, and writes the
   * trust store into {@code dir}.
   *
   * @param dir where the trust store file goes (created if needed)
   * @param addresses more addresses the certificate names (IP SANs), e.g. the bind address
   * @return the material
   * @throws IllegalStateException if generation or writing fails
   */
  public static TlsMaterial generate(Path dir, List<InetAddress> addresses) {
    try {
      KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
      kpg.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair kp = kpg.generateKeyPair();
      X509Certificate cert = selfSigned(kp, addresses);

      byte[] pw = new byte[12];
      new SecureRandom().nextBytes(pw);
      String password = HexFormat.of().formatHex(pw);
      KeyStore ts = KeyStore.getInstance(TRUST_STORE_TYPE);
      ts.load(null, null);
      ts.setCertificateEntry(ALIAS, cert);
      Files.createDirectories(dir);
      Path path = dir.resolve("iothub-emulator-truststore.p12");
      try (OutputStream out = Files.newOutputStream(path)) {
        ts.store(out, password.toCharArray());
      }
      return new TlsMaterial(kp, cert, path, password, clientContext(path, password));
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("could not generate the emulator's TLS certificate in " + dir, e);
    }
  }

  private static X509Certificate selfSigned(KeyPair kp, List<InetAddress> addresses)
      throws GeneralSecurityException, IOException, OperatorCreationException {
    X500Name subject = new X500Name("CN=localhost, O=iothub-commands emulator");
    Instant now = Instant.now();
    BigInteger serial = new BigInteger(64, new SecureRandom()).add(BigInteger.ONE);
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial,
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(365))), subject,
        kp.getPublic());
    Set<String> ips = new LinkedHashSet<>(List.of("127.0.0.1"));
    addresses.forEach(a -> ips.add(a.getHostAddress()));
    List<GeneralName> names = new ArrayList<>(List.of(new GeneralName(GeneralName.dNSName, "localhost")));
    ips.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
    builder.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(names.toArray(GeneralName[]::new)));
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
    return new JcaX509CertificateConverter().getCertificate(holder);
  }

  /**
   * Builds an SSLContext trusting the certificates of a PKCS12 trust store.
   *
   * @param path the trust store file
   * @param password its password
   * @return the context
   * @throws GeneralSecurityException if the store cannot be read as PKCS12
   * @throws IOException if the file cannot be read
   */
  public static SSLContext clientContext(Path path, String password) throws GeneralSecurityException, IOException {
    KeyStore ts = KeyStore.getInstance(TRUST_STORE_TYPE);
    try (InputStream in = Files.newInputStream(path)) {
      ts.load(in, password.toCharArray());
    }
    return context(ts);
  }

  private static SSLContext context(KeyStore ts) throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /**
   * Builds an SSLContext trusting exactly these certificates.
   *
   * @param certificates the certificates
   * @return the context
   * @throws IllegalStateException if the JDK cannot build it
   */
  public static SSLContext trusting(List<X509Certificate> certificates) {
    try {
      KeyStore ts = KeyStore.getInstance(TRUST_STORE_TYPE);
      ts.load(null, null);
      for (int i = 0; i < certificates.size(); i++) {
        ts.setCertificateEntry(ALIAS + "-" + i, certificates.get(i));
      }
      return context(ts);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("could not build an SSLContext trusting the emulators' certificates", e);
    }
  }

  /** @return the PKCS12 trust store file */
  public Path trustStorePath() {
    return trustStorePath;
  }

  /** @return the trust store's password */
  public String trustStorePassword() {
    return trustStorePassword;
  }

  /** @return the emulator's certificate */
  public X509Certificate certificate() {
    return certificate;
  }

  /** @return an SSLContext that trusts exactly the emulator's certificate */
  public SSLContext clientSslContext() {
    return clientContext;
  }

  /**
   * Returns a Netty server context on the JDK provider: the service SDK drags in netty-tcnative, so
   * automatic selection would differ between test and production class paths.
   *
   * @return a server context
   */
  public SslContext nettyServerContext() {
    try {
      return SslContextBuilder.forServer(keyPair.getPrivate(), certificate).sslProvider(SslProvider.JDK).build();
    } catch (SSLException e) {
      throw new IllegalStateException("could not build the emulator's TLS server context", e);
    }
  }
}
