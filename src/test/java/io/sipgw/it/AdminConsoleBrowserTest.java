package io.sipgw.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The web console (classpath {@code admin-console/}) served by the gateway's admin listener, in
 * headless chromium ({@link BrowserTestbed}: everything in a namespace with only {@code lo}). The
 * page asks for the admin token, refuses a wrong one (the gateway's 401), and with the right one polls
 * {@code /rpc}: a phone (SIPp) that registers appears in the users table with its contact and
 * transport, the request chart's data follows more REGISTERs, a dispatcher destination goes down
 * with its button, a phone that guesses a password shows among the bans until its button lifts the
 * ban, and a warning the gateway logs shows among the last errors.
 */
class AdminConsoleBrowserTest extends BrowserTestCase {
  private static final String TOKEN = "console-test-token-5f3a9c";
  private static final String PHONE_CONTACT = "127.0.0.1:5099";
  private static final Duration POLLED = Duration.ofSeconds(20);
  /** A source address the gateway may ban (the other phones are on 127.0.0.1, exempt). */
  private static final String GUESSER = "127.0.0.2";
  private final int adminPort = FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK);
  private final int pbxPort = FreePorts.udpAndTcp(FreePorts.IPV4_LOOPBACK);

  AdminConsoleBrowserTest() {
    super(false, false, "alice", "bob");
  }

  @Override
  JsonObject gatewaySettings() {
    return new JsonObject()
        .put("admin", new JsonObject().put("enabled", true).put("host", FreePorts.IPV4_LOOPBACK).put("port", adminPort)
            .put("token", TOKEN))
        // an address that fails authentication twice is banned; 127.0.0.1 (the other phones) never is
        .put("bans", new JsonObject().put("authFailures", 2).put("authWindow", 60).put("banTime", 300)
            .put("exempt", new JsonArray().add("127.0.0.1/32")))
        .put("dispatcher", new JsonObject().put("sets", new JsonArray().add(new JsonObject().put("name", "pbx")
            .put("destinations", new JsonArray().add(new JsonObject().put("uri", pbxUri()))))));
  }

  private String pbxUri() { return "sip:127.0.0.1:" + pbxPort; }

  private String consoleUrl() { return "http://" + FreePorts.IPV4_LOOPBACK + ":" + adminPort + "/console/"; }

  @Test
  void asksForTheTokenShowsARegisteredUserAndTheRequestChartFollowsTheRegisters() throws Exception {
    Browser.Page console = signedIn("console-users");

    register("alice", 1);
    String users = awaitText(console, "#users", t -> t.contains("alice@"), "alice in the users table");
    assertTrue(users.contains("sip:alice@" + PHONE_CONTACT), () -> "alice's contact: " + users);
    assertTrue(users.contains("UDP"), () -> "alice's transport: " + users);
    assertFalse(users.contains("bob@"), () -> "bob has not registered: " + users);
    JsonObject state = (JsonObject) console.invoke("state");
    assertTrue(state.getJsonArray("users").stream().anyMatch(u -> u.toString().contains("alice@")), state::encode);

    // the request chart: a point every poll, the rate of REGISTERs while bob registers ten times
    JsonObject before = chart(console);
    long totalBefore = before.getLong("total");
    int pointsBefore = before.getInteger("points");
    register("bob", 10);
    AtomicReference<JsonObject> last = new AtomicReference<>();
    Polling.await(() -> {
      JsonObject now = chart(console);
      last.set(now);
      return now.getLong("total") >= totalBefore + 20 && now.getInteger("points") > pointsBefore
          && maxAfter(now, pointsBefore) > 0;
    }, Duration.ofMillis(250), POLLED, () -> "the request chart did not follow 20 REGISTERs: before " + before.encode()
        + ", last " + last.get().encode() + "\n" + bed.diagnostics());
    awaitText(console, "#users", t -> t.contains("bob@"), "bob in the users table");
    console.screenshot(bed.dir().resolve("console.png"));
  }

  @Test
  void aWrongTokenIsAskedAgainAndTheDispatcherButtonSetsADestinationDown() {
    Browser.Page console = openConsole("console-dispatcher");
    console.fill("#token", "not-" + TOKEN);
    int mark = console.mark();
    console.click("#token-submit");
    JsonObject asked = console.awaitEvent(mark, e -> "token".equals(e.getString("type")), POLLED, "the token asked again");
    assertTrue(asked.getString("message").contains("401"), asked::encode);
    assertFalse(((JsonObject) console.invoke("state")).getBoolean("loggedIn"));
    signIn(console);

    String row = awaitText(console, "#dispatcher", t -> t.contains(pbxUri()), "the pbx destination");
    assertTrue(row.contains("Set down"), () -> "the destination starts up (its button sets it down): " + row);
    console.click("#dispatcher tr[data-uri='" + pbxUri() + "'] button");
    awaitText(console, "#dispatcher", t -> t.contains("Set up") && !t.contains("Set down"), "the destination down");
    Object listed = console.invoke("call", "dispatcher.list");
    assertTrue(String.valueOf(listed).contains(pbxUri()), () -> "dispatcher.list: " + listed);
  }

  @Test
  void showsTheLastWarningTheGatewayLogged() throws Exception {
    Browser.Page console = signedIn("console-errors");
    // a reload that needs a restart for one of its changes is applied but for that one, with a warning in the log
    Path file = bed.gateway().configFile();
    JsonObject config = new JsonObject(Files.readString(file));
    config.put("workers", config.getInteger("workers", 1) + 5);
    Files.writeString(file, config.encodePrettily());
    JsonObject reloaded = (JsonObject) console.invoke("call", "cfg.reload");
    assertTrue(reloaded.getJsonArray("restartNeeded").contains("workers"), reloaded::encode);
    String errors = awaitText(console, "#errors", t -> t.contains("restart needed for workers"), "the reload's warning");
    assertTrue(errors.contains("WARNING"), errors);
    assertFalse(errors.contains("No errors recorded."), errors);
  }

  @Test
  void showsABanAndItsButtonLiftsIt() throws Exception {
    Browser.Page console = signedIn("console-bans");
    // a phone on 127.0.0.2 that registers as bob with a wrong password: banned after its second failure
    Path dir = Files.createDirectories(bed.dir().resolve("guess-bob"));
    Sipp.scenario("register-auth.xml")
        .namespace(bed.namespace())
        .remote(FreePorts.IPV4_LOOPBACK, bed.sipPort())
        .local(GUESSER)
        .service("bob")
        .key("domain", DOMAIN)
        .key("contact", GUESSER + ":5098")
        .arg("-au", "bob", "-ap", "not-" + bed.password("bob"))
        .calls(3)
        .rate(10)
        .recvTimeout(Duration.ofSeconds(2))
        .timeout(Duration.ofSeconds(20))
        .workDir(dir)
        .run();
    awaitText(console, "#bans", t -> t.contains(GUESSER), "the ban of " + GUESSER);
    console.click("#bans tr[data-address='" + GUESSER + "'] button");
    awaitText(console, "#bans", t -> t.contains("No bans."), "the ban lifted");
    Object bans = console.invoke("call", "htable.dump", new JsonArray().add("bans"));
    assertFalse(String.valueOf(bans).contains(GUESSER), () -> "htable.dump: " + bans);
  }

  /** The console page, not signed in yet: it asks for the token. */
  private Browser.Page openConsole(String name) {
    Polling.await(() -> bed.gateway().logText().contains("admin: listening on"), Duration.ofMillis(100), BOUND,
        () -> "the admin listener did not start\n" + bed.gateway().logTail());
    Browser.Page console = opened(name, consoleUrl(), "sipgwConsole");
    JsonObject state = (JsonObject) console.invoke("state");
    assertFalse(state.getBoolean("loggedIn"), () -> "the page asks for the token first: " + state.encode());
    return console;
  }

  private Browser.Page signedIn(String name) {
    Browser.Page console = openConsole(name);
    signIn(console);
    return console;
  }

  /** Enters the right token; waits for a poll that answered (the status says so). */
  private void signIn(Browser.Page console) {
    int mark = console.mark();
    console.fill("#token", TOKEN);
    console.click("#token-submit");
    console.awaitEvent(mark, e -> {
      if ("error".equals(e.getString("type")) || "token".equals(e.getString("type"))) {
        throw new AssertionError("the console could not poll: " + e.encode());
      }
      return "poll".equals(e.getString("type"));
    }, POLLED, "a first poll");
    JsonObject state = (JsonObject) console.invoke("state");
    assertTrue(state.getBoolean("loggedIn"), state::encode);
    assertTrue(state.getString("status").startsWith("Updated"), state::encode);
  }

  /** {@code user} registers {@code times} with its password from {@value #PHONE_CONTACT} (SIPp, UDP): 2 REGISTERs each. */
  private void register(String user, int times) throws Exception {
    Path dir = Files.createDirectories(bed.dir().resolve("register-" + user + "-" + System.nanoTime()));
    Sipp.scenario("register-auth.xml")
        .namespace(bed.namespace())
        .remote(FreePorts.IPV4_LOOPBACK, bed.sipPort())
        .local(FreePorts.IPV4_LOOPBACK)
        .service(user)
        .key("domain", DOMAIN)
        .key("contact", PHONE_CONTACT)
        .arg("-au", user, "-ap", bed.password(user))
        .calls(times)
        .rate(10)
        .timeout(Duration.ofSeconds(20))
        .workDir(dir)
        .run()
        .assertSucceeded(times);
  }

  private static JsonObject chart(Browser.Page console) {
    return (JsonObject) console.invoke(true, "chart", "requests");
  }

  /** The largest value of the chart after its first {@code from} points. */
  private static double maxAfter(JsonObject chart, int from) {
    List<Object> values = chart.getJsonArray("values").getList();
    double max = 0;
    for (int i = Math.min(from, values.size()); i < values.size(); i++) max = Math.max(max, ((Number) values.get(i)).doubleValue());
    return max;
  }

  /** Polls the text of {@code selector} until it {@code matches}; returns it. */
  private String awaitText(Browser.Page console, String selector, Predicate<String> matches, String what) {
    AtomicReference<String> last = new AtomicReference<>("");
    Supplier<String> failure = () -> "no " + what + " within " + POLLED + "; " + selector + " shows: " + last.get()
        + "\nstatus: " + console.text("#status") + "\n" + bed.diagnostics();
    Polling.await(() -> {
      last.set(console.text(selector));
      return matches.test(last.get());
    }, Duration.ofMillis(250), POLLED, failure);
    return last.get();
  }
}
