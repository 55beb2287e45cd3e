package io.sipgw.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class MediaConfigTest {
  private static SipgwConfig with(String media) { return SipgwConfig.fromJson(new JsonObject("{\"media\": " + media + "}")); }

  @Test
  void offByDefault() {
    MediaConfig m = SipgwConfig.fromJson(new JsonObject()).media();
    assertEquals(MediaConfig.defaults(), m);
    assertFalse(m.enabled());
    assertEquals(MediaMode.WEBRTC, m.mode());
  }

  @Test
  void readsEveryKey() {
    MediaConfig m = with("{\"rtpengine\": [\"127.0.0.1:2223\", \"[::1]:2224\", \"rtp.example.com:22222\"], \"timeout\": 300,"
        + " \"retries\": 2, \"downTime\": 5000, \"mode\": \"always\"}").media();
    assertEquals(List.of(new MediaConfig.Address("127.0.0.1", 2223), new MediaConfig.Address("::1", 2224),
        new MediaConfig.Address("rtp.example.com", 22222)), m.rtpengine());
    assertEquals(300, m.timeout());
    assertEquals(2, m.retries());
    assertEquals(5000, m.downTime());
    assertEquals(MediaMode.ALWAYS, m.mode());
    assertTrue(m.enabled());
    assertEquals("[::1]:2224", m.rtpengine().get(1).toString());
    assertEquals(m, SipgwConfig.fromJson(with("{\"rtpengine\": [\"127.0.0.1:2223\", \"[::1]:2224\", \"rtp.example.com:22222\"],"
        + " \"timeout\": 300, \"retries\": 2, \"downTime\": 5000, \"mode\": \"always\"}").json()).media());
    assertFalse(with("{\"rtpengine\": [\"127.0.0.1:2223\"], \"mode\": \"never\"}").media().enabled());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{\"rtpengine\": \"127.0.0.1:2223\"}            | media.rtpengine",
      "{\"rtpengine\": [\"127.0.0.1\"]}               | media.rtpengine[0]",
      "{\"rtpengine\": [\"a:1\", \"bad host:2\"]}     | media.rtpengine[1]",
      "{\"rtpengine\": [\"a:1\", \"a:1\"]}            | media.rtpengine[1]",
      "{\"rtpengine\": [5]}                           | media.rtpengine[0]",
      "{\"timeout\": 0}                               | media.timeout",
      "{\"retries\": 11}                              | media.retries",
      "{\"downTime\": -1}                             | media.downTime",
      "{\"mode\": \"sometimes\"}                      | media.mode",
      "{\"rtpengines\": []}                           | media.rtpengines",
      "[]                                             | media",
  })
  void aBadKeyIsNamed(String media, String key) {
    ConfigException e = assertThrows(ConfigException.class, () -> with(media));
    assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
  }

  @Test
  void overridesReachTheMediaKeys() {
    JsonObject json = ConfigOverrides.apply(new JsonObject(), Map.of("SIPGW_MEDIA_MODE", "always"),
        Map.of("sipgw.media.rtpengine", "[\"127.0.0.1:2223\"]", "sipgw.media.timeout", "250"));
    MediaConfig m = SipgwConfig.fromJson(json).media();
    assertEquals(MediaMode.ALWAYS, m.mode());
    assertEquals(250, m.timeout());
    assertEquals(List.of(new MediaConfig.Address("127.0.0.1", 2223)), m.rtpengine());
  }
}
