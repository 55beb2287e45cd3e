package io.sipgw.it;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One SIPp command line, built from a scenario under {@code src/test/resources/sipp/}. Every
 * run is bounded: {@code -m}, {@code -timeout}, {@code -recv_timeout} and {@code -nostdin}
 * always go on the command line, and {@link SippRun#awaitExit} kills a SIPp that outlives
 * its own timeout. Statistics ({@code -trace_stat -stf}) and errors ({@code -trace_err})
 * land in the work directory and make the {@link SippResult}.
 *
 * <pre>
 * SippResult r = Sipp.scenario("uac.xml").remote("127.0.0.1", port).service("bob")
 *     .calls(20).rate(10).workDir(dir).run();
 * </pre>
 */
public final class Sipp {
  /** Environment variable naming the sipp binary when it is not {@code sipp} on the PATH. */
  public static final String BINARY_VARIABLE = "SIPP";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_RECV_TIMEOUT = Duration.ofSeconds(5);
  /** How long past its own {@code -timeout} a SIPp may take to write its statistics and exit. */
  static final Duration EXIT_GRACE = Duration.ofSeconds(10);

  private static final AtomicInteger runs = new AtomicInteger();

  private final String scenario;
  private String remote;
  private String localHost = FreePorts.IPV4_LOOPBACK;
  private int localPort;
  private SippTransport transport = SippTransport.UDP;
  private int calls = 1;
  private int rate = 10;
  private int ratePeriodMs = 1000;
  private Duration timeout = DEFAULT_TIMEOUT;
  private Duration recvTimeout = DEFAULT_RECV_TIMEOUT;
  private String service;
  private Path injectionFile;
  private Path workDir;
  private boolean traceMessages;
  private NetNamespace namespace;
  private final List<String> extra = new ArrayList<>();

  private Sipp(String scenario) { this.scenario = scenario; }

  /** A SIPp run of {@code src/test/resources/sipp/<scenario>}. */
  public static Sipp scenario(String scenario) { return new Sipp(scenario); }

  /** Where a client scenario sends its requests; none for a server scenario. */
  public Sipp remote(String host, int port) {
    this.remote = hostPort(host, port);
    return this;
  }

  /** {@code -i} and {@code -p}; without a port SIPp gets a fresh free one. */
  public Sipp local(String host, int port) {
    this.localHost = host;
    this.localPort = port;
    return this;
  }

  public Sipp local(String host) { return local(host, 0); }

  public Sipp transport(SippTransport transport) {
    this.transport = transport;
    return this;
  }

  /** {@code -m}: SIPp stops after this many calls. */
  public Sipp calls(int calls) {
    this.calls = calls;
    return this;
  }

  /** {@code -r} calls per {@code -rp} milliseconds. */
  public Sipp rate(int calls, int periodMs) {
    this.rate = calls;
    this.ratePeriodMs = periodMs;
    return this;
  }

  public Sipp rate(int callsPerSecond) { return rate(callsPerSecond, 1000); }

  /** {@code -timeout}: SIPp's own bound on the whole run. */
  public Sipp timeout(Duration timeout) {
    this.timeout = timeout;
    return this;
  }

  /** {@code -recv_timeout}: a message awaited longer than this fails its call. */
  public Sipp recvTimeout(Duration recvTimeout) {
    this.recvTimeout = recvTimeout;
    return this;
  }

  /** {@code -s}: the user part the scenario calls ([service]). */
  public Sipp service(String service) {
    this.service = service;
    return this;
  }

  /** {@code -key}: a value for the scenario's [name] keyword. */
  public Sipp key(String name, String value) {
    extra.add("-key");
    extra.add(name);
    extra.add(value);
    return this;
  }

  /** {@code -inf}: the injection file the scenario reads [fieldN] from. */
  public Sipp injectionFile(Path file) {
    this.injectionFile = file;
    return this;
  }

  /** Where SIPp runs and leaves its logs; a fresh temporary directory when not set. */
  public Sipp workDir(Path dir) {
    this.workDir = dir;
    return this;
  }

  /** {@code -trace_msg}: keep every message sent and received, for assertions on headers. */
  public Sipp traceMessages() {
    this.traceMessages = true;
    return this;
  }

  /** Runs SIPp in {@code namespace} (whose {@link NetNamespace#close} also stops it). */
  public Sipp namespace(NetNamespace namespace) {
    this.namespace = namespace;
    return this;
  }

  /** Any other SIPp option, e.g. {@code arg("-cid_str", "reg-%u@it")}. */
  public Sipp arg(String... args) {
    extra.addAll(List.of(args));
    return this;
  }

  /** Runs SIPp to completion, bounded by its timeout plus a grace period. */
  public SippResult run() {
    try (SippRun run = launch()) {
      return run.awaitExit(timeout.plus(EXIT_GRACE));
    }
  }

  /**
   * Starts SIPp in the background and returns once it listens on its local port (a server
   * scenario can take calls); fails if it exits first. Stop it with {@link SippRun#stop}.
   */
  public SippRun start() {
    SippRun run = launch();
    try {
      run.awaitListening(localHost, localPort, transport.stream(), Duration.ofSeconds(10));
      return run;
    } catch (RuntimeException | Error e) {
      run.close();
      throw e;
    }
  }

  /** How long {@link SippRun#awaitExit} should wait for this run at most. */
  public Duration bound() { return timeout.plus(EXIT_GRACE); }

  private SippRun launch() {
    if (localPort == 0) localPort = FreePorts.udpAndTcp(localHost);
    Path dir = workDir();
    String name = scenarioName() + "-" + runs.incrementAndGet();
    Path stats = dir.resolve(name + ".stat.csv");
    Path errors = dir.resolve(name + ".errors.log");
    Path messages = dir.resolve(name + ".messages.log");
    Path screen = dir.resolve(name + ".out");
    List<String> command = command(stats, errors, messages);
    if (namespace != null) command = namespace.command(command);
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(screen.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process process;
    if (namespace != null) {
      process = namespace.start(builder);
    } else {
      try {
        process = builder.start();
      } catch (IOException e) {
        throw new IllegalStateException("cannot start " + command, e);
      }
    }
    return new SippRun(String.join(" ", command), process, namespace != null, stats, errors, messages, screen);
  }

  public int localPort() { return localPort; }

  public String localHost() { return localHost; }

  List<String> command(Path stats, Path errors, Path messages) {
    List<String> c = new ArrayList<>();
    c.add(binary());
    if (remote != null) c.add(remote);
    c.addAll(List.of("-sf", scenarioPath().toString(),
        "-t", transport.mode(),
        "-i", localHost,
        "-p", Integer.toString(localPort),
        "-m", Integer.toString(calls),
        "-r", Integer.toString(rate),
        "-rp", Integer.toString(ratePeriodMs),
        "-timeout", timeout.toMillis() + "ms",
        "-timeout_error",
        "-recv_timeout", recvTimeout.toMillis() + "ms",
        "-nostdin",
        "-trace_stat", "-stf", stats.toString(), "-fd", "1",
        "-trace_err", "-error_file", errors.toString()));
    if (traceMessages) c.addAll(List.of("-trace_msg", "-message_file", messages.toString()));
    if (service != null) c.addAll(List.of("-s", service));
    if (injectionFile != null) c.addAll(List.of("-inf", injectionFile.toString()));
    c.addAll(extra);
    return c;
  }

  /** The sipp binary: $SIPP, else {@code sipp} on the PATH. Missing, it fails the test: CI installs it. */
  static String binary() {
    String configured = System.getenv(BINARY_VARIABLE);
    if (configured != null && !configured.isBlank()) {
      if (Files.isExecutable(Path.of(configured))) return configured;
      throw new IllegalStateException(BINARY_VARIABLE + "=" + configured + " is not an executable sipp");
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "sipp"))) return Path.of(dir, "sipp").toString();
    }
    throw new IllegalStateException("sipp not found on PATH (" + path + "): the SIPp integration tests need it;"
        + " install the Debian package sip-tester, or set " + BINARY_VARIABLE + "=/path/to/sipp");
  }

  /** {@code host:port}, the IPv6 literal in brackets. */
  static String hostPort(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  private Path scenarioPath() {
    URL url = Sipp.class.getResource("/sipp/" + scenario);
    if (url == null) throw new IllegalArgumentException("no scenario src/test/resources/sipp/" + scenario);
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private String scenarioName() {
    String file = Path.of(scenario).getFileName().toString();
    return file.endsWith(".xml") ? file.substring(0, file.length() - 4) : file;
  }

  private Path workDir() {
    try {
      if (workDir == null) workDir = Files.createTempDirectory("sipp-");
      Files.createDirectories(workDir);
      return workDir;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
