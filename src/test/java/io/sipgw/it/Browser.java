package io.sipgw.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Headless Debian chromium in a {@link NetNamespace}, driven by {@code src/test/browser/driver.js}
 * (playwright-core) over JSON lines on its stdin and stdout. Each {@link Page} is a browser context of
 * its own with the webroot softphone loaded; the test calls the same {@code window.softphone} API the
 * page's buttons use and waits for its events. Every wait is bounded. Everything the driver says
 * (events, the pages' console, JsSIP's SIP trace) is kept in {@code browser.log} in the test's
 * directory and its tail goes into failure messages.
 */
public final class Browser implements AutoCloseable {
  /** Where driver.js and its node_modules are, relative to the project directory. */
  static final Path DRIVER_DIR = Path.of("src", "test", "browser");
  private static final Duration START_BOUND = Duration.ofSeconds(40);
  private static final Duration COMMAND_BOUND = Duration.ofSeconds(20);
  private static final Duration STATS_POLL = Duration.ofMillis(250);
  private static final int TAIL_LINES = 80;
  /** A SIP message in JsSIP's {@code JsSIP:Transport} debug log: which way, the message, the debug lib's "+Nms". */
  private static final Pattern SIP_TRACE =
      Pattern.compile("(?s)^\\w+: JsSIP:Transport (sending|received text) message:\n\n(.*?)\n? \\+\\d+\\w*$");

  private final Process process;
  private final OutputStream stdin;
  private final Path log;
  private final Writer logWriter;
  private final Map<Long, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
  private final CompletableFuture<JsonObject> ready = new CompletableFuture<>();
  private final List<String> transcript = new ArrayList<>();
  private final Map<String, List<JsonObject>> events = new ConcurrentHashMap<>();
  private final Map<String, List<TracedMessage>> sipTraces = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final Set<Long> quietIds = ConcurrentHashMap.newKeySet();

  private Browser(Process process, Path log) throws IOException {
    this.process = process;
    this.stdin = process.getOutputStream();
    this.log = log;
    this.logWriter = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
  }

  /** Starts chromium in {@code ns}; returns once it runs. */
  public static Browser start(NetNamespace ns, Path dir) {
    Path driverDir = DRIVER_DIR.toAbsolutePath();
    if (!Files.isDirectory(driverDir.resolve("node_modules").resolve("playwright-core"))) {
      throw new IllegalStateException("no " + driverDir.resolve("node_modules")
          + ": run npm ci there (scripts/test.sh does)");
    }
    ProcessBuilder builder = new ProcessBuilder(ns.command(List.of("node", "driver.js")))
        .directory(driverDir.toFile())
        .redirectError(dir.resolve("driver.stderr.log").toFile());
    builder.environment().put("TMPDIR", dir.toString());
    Browser browser;
    try {
      browser = new Browser(ns.start(builder), dir.resolve("browser.log"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread reader = new Thread(browser::readDriver, "browser-driver-reader");
    reader.setDaemon(true);
    reader.start();
    try {
      JsonObject hello = browser.await(browser.ready, START_BOUND, "chromium start");
      if (!hello.getBoolean("ready", false)) throw new IllegalStateException("chromium did not start: " + hello);
      return browser;
    } catch (RuntimeException e) {
      browser.close();
      throw e;
    }
  }

  /** Opens {@code url} in a new context named {@code name}, and waits for the softphone to load. */
  public Page open(String name, String url) {
    return open(name, url, "softphone");
  }

  /**
   * Opens {@code url} in a new context named {@code name}, and waits for the page's API
   * {@code window[api]} (which has {@code on(listener)} for its events) to load: {@link Page#invoke}
   * calls its methods. E.g. {@code sipgwConsole} for the admin console.
   */
  public Page open(String name, String url, String api) {
    command(new JsonObject().put("cmd", "open").put("page", name).put("url", url).put("api", api));
    return new Page(name);
  }

  /** One browser context with the softphone page. */
  public final class Page {
    private final String name;

    private Page(String name) { this.name = name; }

    public String name() { return name; }

    /** {@code window.softphone[method](...args)} (or the API the page was opened with), awaited; its result (null for none). */
    public Object invoke(String method, Object... args) { return invoke(false, method, args); }

    /** {@link #invoke}, kept out of the transcript when {@code quiet} (a poll, or arguments of a megabyte). */
    Object invoke(boolean quiet, String method, Object... args) {
      JsonObject reply = command(new JsonObject().put("cmd", "invoke").put("page", name).put("method", method)
          .put("args", new JsonArray(List.of(args))), quiet);
      return reply.getValue("result");
    }

    /**
     * Registers {@code user@domain} with {@code password} (JsSIP answers the gateway's digest
     * challenges with it) over {@code wsUrl} (null: the page's default, its own host).
     */
    public void register(String user, String password, String domain, String wsUrl) {
      JsonObject account = new JsonObject().put("user", user).put("password", password).put("domain", domain);
      if (wsUrl != null) account.put("wsUrl", wsUrl);
      invoke("register", account);
    }

    public void call(String uri) { invoke("call", uri); }

    public void answer() { invoke("answer"); }

    public void hangup() { invoke("hangup"); }

    public void sendMessage(String uri, String text) { invoke("sendMessage", uri, text); }

    /** JsSIP's debug log into the page console (and so into browser.log), e.g. {@code JsSIP:Transport}. */
    public void debug(String namespaces) { invoke("debug", namespaces); }

    /**
     * The SIP messages this page sent and received so far, in order, from JsSIP's log: only while
     * {@link #debug} has {@code JsSIP:Transport} on.
     */
    public List<TracedMessage> sipTrace() {
      List<TracedMessage> mine = sipTraces.getOrDefault(name, List.of());
      synchronized (mine) {
        return List.copyOf(mine);
      }
    }

    public JsonObject state() { return (JsonObject) invoke("state"); }

    /** RTP counters of the current call: packetsSent, packetsReceived, bytesSent, bytesReceived. */
    public JsonObject stats() { return (JsonObject) invoke("stats"); }

    /**
     * Polls {@link #stats} until it {@code matches}; fails with the last counters after {@code bound}.
     * E.g. RTP both ways: {@code s -> s.getInteger("packetsSent") > 50 && s.getInteger("packetsReceived") > 50}.
     */
    public JsonObject awaitStats(Predicate<JsonObject> matches, Duration bound, String what) {
      long deadline = System.nanoTime() + bound.toNanos();
      JsonObject last = (JsonObject) invoke(true, "stats");
      while (!matches.test(last)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(name + ": no " + what + " within " + bound + "; last RTP stats " + last + "\n" + Browser.this.tail());
        }
        try {
          Thread.sleep(STATS_POLL.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
        last = (JsonObject) invoke(true, "stats");
      }
      note("  " + name + " RTP stats: " + last.encode());
      return last;
    }

    /** Waits for a registration event with this state; fails at once on a registration failure. */
    public JsonObject awaitRegistration(String state, Duration bound) {
      return awaitState("registration", state, bound);
    }

    /** Waits for a call event with this state ({@code incoming}, {@code confirmed}, {@code ended} ...). */
    public JsonObject awaitCall(String state, Duration bound) { return awaitState("call", state, bound); }

    private JsonObject awaitState(String type, String state, Duration bound) {
      return awaitEvent(e -> {
        if (!type.equals(e.getString("type"))) return false;
        if (state.equals(e.getString("state"))) return true;
        if ("failed".equals(e.getString("state"))) {
          throw new AssertionError(name + ": " + type + " failed (" + e.getString("cause") + ") waiting for " + state
              + "\n" + Browser.this.tail());
        }
        return false;
      }, bound, type + " " + state);
    }

    /** Waits for the first event of this page, from its opening on, that {@code matches}. */
    public JsonObject awaitEvent(Predicate<JsonObject> matches, Duration bound, String what) {
      return awaitEvent(0, matches, bound, what);
    }

    /** How many events this page has sent so far: a mark for {@link #awaitEvent(int, Predicate, Duration, String)}. */
    public int mark() { return events().size(); }

    /** The events this page has sent so far, in order. */
    public List<JsonObject> events() {
      List<JsonObject> mine = events.computeIfAbsent(name, n -> new ArrayList<>());
      synchronized (mine) {
        return List.copyOf(mine);
      }
    }

    /** Waits for the first event after the first {@code since} ({@link #mark}) that {@code matches}. */
    public JsonObject awaitEvent(int since, Predicate<JsonObject> matches, Duration bound, String what) {
      long deadline = System.nanoTime() + bound.toNanos();
      List<JsonObject> mine = events.computeIfAbsent(name, n -> new ArrayList<>());
      synchronized (mine) {
        int seen = since;
        while (true) {
          for (; seen < mine.size(); seen++) {
            if (matches.test(mine.get(seen))) return mine.get(seen);
          }
          long left = deadline - System.nanoTime();
          if (left <= 0 || !process.isAlive()) {
            throw new AssertionError(name + ": no " + what + " within " + bound + (process.isAlive() ? "" : " (driver exited)")
                + "\nevents: " + mine + "\n" + Browser.this.tail());
          }
          try {
            mine.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        }
      }
    }

    /** Types {@code value} into the form field {@code selector} (e.g. {@code #user}). */
    public void fill(String selector, String value) {
      command(new JsonObject().put("cmd", "fill").put("page", name).put("selector", selector).put("value", value));
    }

    /** Chooses the option of value {@code value} in the select element {@code selector} (e.g. {@code #status}). */
    public void select(String selector, String value) {
      command(new JsonObject().put("cmd", "select").put("page", name).put("selector", selector).put("value", value));
    }

    /** The text the element {@code selector} shows ({@code textContent}). */
    public String text(String selector) {
      return command(new JsonObject().put("cmd", "text").put("page", name).put("selector", selector)).getString("result");
    }

    /** Clicks the element {@code selector} (e.g. {@code #register}). */
    public void click(String selector) {
      command(new JsonObject().put("cmd", "click").put("page", name).put("selector", selector));
    }

    /** Saves a PNG of the page to {@code file}. */
    public void screenshot(Path file) {
      command(new JsonObject().put("cmd", "screenshot").put("page", name).put("path", file.toAbsolutePath().toString()));
    }

    /** Loads the page again in its context (its localStorage stays), and waits for the softphone to load. */
    public void reload() { command(new JsonObject().put("cmd", "reload").put("page", name)); }

    /** Closes this page's context. */
    public void close() { command(new JsonObject().put("cmd", "close").put("page", name)); }
  }

  private JsonObject command(JsonObject command) { return command(command, false); }

  /** Sends a command and waits for its answer; {@code quiet}: neither goes into the transcript. */
  private JsonObject command(JsonObject command, boolean quiet) {
    long id = ids.incrementAndGet();
    command.put("id", id).put("timeoutMs", COMMAND_BOUND.toMillis());
    CompletableFuture<JsonObject> reply = new CompletableFuture<>();
    pending.put(id, reply);
    if (quiet) quietIds.add(id);
    String line = command.encode();
    if (!quiet) note("> " + line);
    try {
      synchronized (stdin) {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
      }
    } catch (IOException e) {
      pending.remove(id);
      throw new IllegalStateException("the browser driver is gone: " + e + "\n" + tail(), e);
    }
    JsonObject answer = await(reply, COMMAND_BOUND.plusSeconds(5), command.getString("cmd") + " " + command.getValue("method", ""));
    if (!answer.getBoolean("ok", false)) {
      throw new AssertionError("browser: " + line + " failed: " + answer.getString("error") + "\n" + tail());
    }
    return answer;
  }

  private JsonObject await(CompletableFuture<JsonObject> future, Duration bound, String what) {
    try {
      return future.get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("browser: no answer to " + what + " within " + bound + "\n" + tail(), e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("browser: " + what + ": " + e.getCause() + "\n" + tail(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void readDriver() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (!isQuietReply(line)) note("< " + line);
        dispatch(line);
      }
    } catch (IOException e) {
      note("driver output ended: " + e);
    } finally {
      IllegalStateException gone = new IllegalStateException("the browser driver exited");
      ready.completeExceptionally(gone);
      pending.values().forEach(f -> f.completeExceptionally(gone));
      events.values().forEach(list -> {
        synchronized (list) {
          list.notifyAll();
        }
      });
    }
  }

  /** Whether {@code line} answers a quiet command (cheaply: the id comes first in the driver's answers). */
  private boolean isQuietReply(String line) {
    if (!line.startsWith("{\"id\":")) return false;
    int end = line.indexOf(',');
    try {
      return end > 6 && quietIds.remove(Long.parseLong(line.substring(6, end)));
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private void dispatch(String line) {
    JsonObject message;
    try {
      message = new JsonObject(line);
    } catch (RuntimeException notJson) {
      return; // noise on stdout: already in the log
    }
    if (message.containsKey("ready")) {
      ready.complete(message);
    } else if (message.containsKey("id")) {
      CompletableFuture<JsonObject> reply = pending.remove(message.getLong("id"));
      if (reply != null) reply.complete(message);
    } else if (message.containsKey("log")) {
      Matcher sip = SIP_TRACE.matcher(message.getString("log"));
      if (sip.matches()) {
        List<TracedMessage> list = sipTraces.computeIfAbsent(message.getString("page"), n -> new ArrayList<>());
        synchronized (list) {
          list.add(new TracedMessage(LocalDateTime.now(), sip.group(1).equals("sending"), new SipMessageText(sip.group(2))));
        }
      }
    } else if (message.containsKey("event")) {
      List<JsonObject> list = events.computeIfAbsent(message.getString("page"), n -> new ArrayList<>());
      synchronized (list) {
        list.add(message.getJsonObject("event"));
        list.notifyAll();
      }
    }
  }

  private synchronized void note(String line) {
    String stamped = LocalTime.now() + " " + line;
    transcript.add(stamped);
    try {
      logWriter.write(stamped);
      logWriter.write('\n');
      logWriter.flush();
    } catch (IOException ignored) {
      // the transcript in memory still has it
    }
  }

  /** The last lines the driver said, for failure messages. */
  public synchronized String tail() {
    List<String> last = transcript.subList(Math.max(0, transcript.size() - TAIL_LINES), transcript.size());
    return "--- " + log + " (last " + last.size() + " lines) ---\n" + String.join("\n", last);
  }

  /** Asks the driver to close chromium and exit, then makes sure the process is gone. */
  @Override
  public void close() {
    try {
      synchronized (stdin) {
        stdin.close(); // the driver quits at the end of its input
      }
    } catch (IOException ignored) {
      // already gone
    }
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    NetNamespace.stop(process);
    synchronized (this) {
      try {
        logWriter.close();
      } catch (IOException ignored) {
        // nothing to do
      }
    }
  }
}
