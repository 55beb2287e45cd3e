package io.sipgw.admin;

import io.sipgw.config.AdminConfig;
import io.sipgw.config.ConfigException;
import io.sipgw.config.ConfigFileException;
import io.sipgw.config.SipgwConfig;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * {@code java -jar sipgw.jar ctl [-c FILE] METHOD [PARAMS…]}: calls a running gateway's JSON-RPC
 * method at the admin address and with the token of the same config, and prints the result as JSON.
 * Each param is taken as JSON when it parses (numbers, true, {…}), else as a string. {@code ctl}
 * alone lists the methods. Blocking: runs on the main thread, never on an event loop.
 *
 * <p>Exit codes: 0 the call succeeded, 1 an RPC error or the gateway cannot be reached, 2 bad config, 64 bad usage.
 */
public final class AdminClient {
  public static final String COMMAND = "ctl";
  public static final String USAGE = String.join(System.lineSeparator(),
      "usage: java -jar sipgw.jar ctl [-c|--config FILE] [METHOD [PARAMS...]]",
      "  calls METHOD on the running gateway's admin listener (admin.host:admin.port, token admin.token or admin.tokenFile",
      "  of the same config) and prints the result as JSON; each PARAM is JSON when it parses (42, true, {\"a\":1}), else a",
      "  string; without METHOD, lists the methods. E.g.: ctl ul.lookup alice@example.com   ctl dispatcher.set_state gw",
      "  sip:10.0.0.1:5060 down   ctl log.set_level sipgw.proxy FINE. With admin.tls, give the JVM a trust store (and a key",
      "  store for client certificates): java -Djavax.net.ssl.trustStore=… -Djavax.net.ssl.keyStore=… -jar sipgw.jar ctl …");
  static final int OK = 0;
  static final int FAILED = 1;
  static final int CONFIG_ERROR = 2;
  static final int USAGE_ERROR = 64;
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private AdminClient() { }

  public static boolean handles(String command) { return COMMAND.equals(command); }

  /**
   * Runs {@code args} (starting with "ctl"); {@code configs} loads the config of a path (null: the
   * default one) and throws ConfigException or ConfigFileException when it is bad.
   */
  public static int run(String[] args, PrintStream out, PrintStream err, Function<String, SipgwConfig> configs) {
    String path = null;
    int i = 1;
    while (i < args.length && args[i].startsWith("-")) {
      String a = args[i];
      if ((a.equals("-c") || a.equals("--config")) && i + 1 < args.length && path == null) {
        path = args[i + 1];
        i += 2;
      } else if (a.startsWith("--config=") && a.length() > 9 && path == null) {
        path = a.substring(9);
        i++;
      } else {
        err.println(USAGE);
        return USAGE_ERROR;
      }
    }
    String method = i < args.length ? args[i++] : "system.listMethods";
    JsonArray params = new JsonArray();
    for (; i < args.length; i++) params.add(param(args[i]));
    AdminConfig admin;
    String token;
    try {
      admin = configs.apply(path).admin();
      token = admin.token() != null ? admin.token() : AdminToken.read(Path.of(admin.tokenFile()));
    } catch (ConfigException | ConfigFileException e) {
      err.println(e.getMessage());
      return CONFIG_ERROR;
    }
    if (!admin.enabled()) {
      err.println("sipgw ctl: the admin listener is off in this config (admin.enabled false)");
      return CONFIG_ERROR;
    }
    if (admin.port() == 0) {
      err.println("sipgw ctl: admin.port is 0 (a free port chosen at start): set the port to reach the gateway");
      return CONFIG_ERROR;
    }
    if (token == null) {
      err.println("sipgw ctl: no admin token: admin.token is not set and " + admin.tokenFile()
          + " does not exist (the gateway writes it at its first start; run ctl where the gateway runs, or give -c)");
      return CONFIG_ERROR;
    }
    URI uri = URI.create((admin.tls() != null ? "https" : "http") + "://" + hostForUri(admin.host()) + ":" + admin.port() + "/rpc");
    JsonObject request = new JsonObject().put("jsonrpc", "2.0").put("method", method).put("params", params).put("id", 1);
    HttpResponse<String> response;
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
      response = client.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Authorization", "Bearer " + token)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(request.encode())).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (ConnectException e) {
      err.println("sipgw ctl: cannot reach the gateway at " + uri + ": connection refused (is it running?)");
      return FAILED;
    } catch (HttpTimeoutException e) {
      err.println("sipgw ctl: no answer from " + uri + " within " + TIMEOUT.toSeconds() + " s");
      return FAILED;
    } catch (IOException e) {
      err.println("sipgw ctl: cannot reach the gateway at " + uri + ": " + e);
      return FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return FAILED;
    }
    if (response.statusCode() == 401) {
      err.println("sipgw ctl: the gateway at " + uri + " refused the token (401): is it the token of this config?");
      return FAILED;
    }
    JsonObject answer;
    try {
      answer = new JsonObject(response.body());
    } catch (DecodeException | ClassCastException e) {
      err.println("sipgw ctl: unexpected answer from " + uri + ": HTTP " + response.statusCode() + " " + response.body());
      return FAILED;
    }
    JsonObject error = answer.getJsonObject("error");
    if (error != null) {
      err.println("error " + error.getValue("code") + ": " + error.getString("message"));
      return FAILED;
    }
    out.println(Json.encodePrettily(answer.getValue("result")));
    return OK;
  }

  /** An argument as a param: its JSON value when it is JSON, else the text. */
  static Object param(String arg) {
    try {
      Object v = Json.decodeValue(arg);
      return v == null && !arg.strip().equals("null") ? arg : v;
    } catch (DecodeException | IllegalArgumentException e) {
      return arg;
    }
  }

  /** The host to connect to: loopback for a wildcard, brackets around IPv6. */
  static String hostForUri(String host) {
    if (host.equals("0.0.0.0")) return "127.0.0.1";
    if (host.equals("::") || host.equals("[::]")) return "[::1]";
    return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}
