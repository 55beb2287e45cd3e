package io.sipgw.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimeWindowTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  private static TimeWindow window(String json) { return TimeWindow.fromJson("lcr.rules[0].time", new JsonObject(json)); }

  /** The instant of a local time in a zone, e.g. at("2026-12-04T08:00", BERLIN). */
  private static long at(String local, ZoneId zone) { return LocalDateTime.parse(local).atZone(zone).toInstant().toEpochMilli(); }

  @ParameterizedTest(name = "{0} in Berlin: {1}")
  @CsvSource({
      "2026-12-07T07:59, false",  // Monday, before
      "2026-12-07T08:00, true",   // from is inclusive
      "2026-12-07T17:59, true",
      "2026-12-07T18:00, false",  // to is exclusive
      "2026-12-11T12:00, true",   // Friday
      "2026-12-12T12:00, false",  // Saturday
      "2026-12-13T12:00, false"}) // Sunday
  void weekdaysOfficeHours(String local, boolean inside) {
    TimeWindow w = window("{\"days\": [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"], \"from\": \"08:00\", \"to\": \"18:00\", \"zone\": \"Europe/Berlin\"}");
    assertEquals(inside, w.contains(at(local, BERLIN)));
  }

  @ParameterizedTest(name = "{0} in Berlin: {1}")
  @CsvSource({
      "2026-12-11T21:59, false",  // Friday evening, before
      "2026-12-11T22:00, true",   // Friday's window begins
      "2026-12-12T00:00, true",   // Saturday morning: still Friday's window
      "2026-12-12T05:59, true",
      "2026-12-12T06:00, false",
      "2026-12-12T22:30, false",  // Saturday evening: no window begins on Saturday
      "2026-12-11T03:00, false",  // Friday morning: Thursday's window, not listed
      "2026-12-05T02:00, true"})  // Saturday 5th, morning of Friday 4th's window
  void fromAfterToWrapsMidnightAndBelongsToTheDayItBegins(String local, boolean inside) {
    TimeWindow w = window("{\"days\": [\"fri\"], \"from\": \"22:00\", \"to\": \"06:00\", \"zone\": \"Europe/Berlin\"}");
    assertEquals(inside, w.contains(at(local, BERLIN)));
  }

  @Test
  void theZoneDecidesWhichInstantsAreInside() {
    TimeWindow berlin = window("{\"from\": \"08:00\", \"to\": \"09:00\", \"zone\": \"Europe/Berlin\"}");
    TimeWindow newYork = window("{\"from\": \"08:00\", \"to\": \"09:00\", \"zone\": \"America/New_York\"}");
    long berlinMorning = at("2026-12-04T08:30", BERLIN);
    assertTrue(berlin.contains(berlinMorning));
    assertFalse(newYork.contains(berlinMorning));
    assertTrue(newYork.contains(at("2026-12-04T08:30", ZoneId.of("America/New_York"))));
    assertTrue(window("{\"from\": \"07:00\", \"to\": \"08:00\", \"zone\": \"UTC\"}").contains(berlinMorning)); // CET = UTC+1
  }

  @Test
  void followsDaylightSavingTimeBothWays() {
    TimeWindow w = window("{\"from\": \"08:00\", \"to\": \"09:00\", \"zone\": \"Europe/Berlin\"}");
    // 2026: summer time from 29 March, winter time from 25 October; 08:30 local is 06:30 UTC in summer, 07:30 in winter
    assertTrue(w.contains(at("2026-03-28T08:30", BERLIN)));
    assertTrue(w.contains(at("2026-03-29T08:30", BERLIN)));
    assertTrue(w.contains(at("2026-10-25T08:30", BERLIN)));
    assertFalse(w.contains(at("2026-03-29T07:30", BERLIN)));
    // asked in any order (the offset it keeps must not leak into another period)
    assertTrue(w.contains(at("2026-07-01T08:00", BERLIN)));
    assertTrue(w.contains(at("2026-01-01T08:00", BERLIN)));
    assertFalse(w.contains(at("2026-07-01T09:00", BERLIN)));
    assertTrue(w.contains(at("2031-07-01T08:59", BERLIN))); // past the zone's explicit transitions: its yearly rules
  }

  @Test
  void agreesWithZonedDateTimeMinuteByMinuteAcrossAYearOfDstChanges() {
    TimeWindow w = window("{\"days\": [\"sun\", \"mon\"], \"from\": \"01:30\", \"to\": \"03:15\", \"zone\": \"Europe/Berlin\"}");
    ZonedDateTime t = ZonedDateTime.of(2026, 3, 28, 0, 0, 0, 0, BERLIN);
    for (int i = 0; i < 4 * 24 * 60; i += 7) { // around the spring change, then around the autumn one
      assertEquals(expected(t.plusMinutes(i)), w.contains(t.plusMinutes(i).toInstant().toEpochMilli()), t.plusMinutes(i).toString());
    }
    t = ZonedDateTime.of(2026, 10, 24, 0, 0, 0, 0, BERLIN);
    for (int i = 0; i < 4 * 24 * 60; i += 7) {
      assertEquals(expected(t.plusMinutes(i)), w.contains(t.plusMinutes(i).toInstant().toEpochMilli()), t.plusMinutes(i).toString());
    }
  }

  private static boolean expected(ZonedDateTime t) {
    int minute = t.getHour() * 60 + t.getMinute();
    int day = t.getDayOfWeek().getValue(); // 7 = Sunday, 1 = Monday
    return minute >= 90 && minute < 195 && (day == 7 || day == 1);
  }

  @Test
  void absentKeysMeanEveryDayAllDay() {
    TimeWindow always = window("{\"zone\": \"UTC\"}");
    long t = at("2026-12-04T00:00", ZoneId.of("UTC"));
    for (int m = 0; m < 7 * 24 * 60; m += 13) assertTrue(always.contains(t + m * 60_000L));
    assertTrue(window("{\"from\": \"00:00\", \"to\": \"00:00\", \"zone\": \"UTC\"}").contains(t + 12 * 3_600_000L), "from = to: the whole day");
    TimeWindow evening = window("{\"from\": \"20:00\", \"zone\": \"UTC\"}");
    assertTrue(evening.contains(at("2026-12-04T23:59", ZoneId.of("UTC"))));
    assertFalse(evening.contains(at("2026-12-05T00:00", ZoneId.of("UTC"))));
    TimeWindow untilNoon = window("{\"to\": \"12:00\", \"zone\": \"UTC\"}");
    assertTrue(untilNoon.contains(at("2026-12-05T00:00", ZoneId.of("UTC"))));
    assertFalse(untilNoon.contains(at("2026-12-05T12:00", ZoneId.of("UTC"))));
    assertTrue(window("{\"from\": \"12:00\", \"to\": \"24:00\", \"zone\": \"UTC\"}").contains(at("2026-12-05T23:59", ZoneId.of("UTC"))));
  }

  @Test
  void withoutZoneTheSystemZone() {
    TimeWindow w = window("{\"from\": \"10:00\", \"to\": \"11:00\"}");
    ZonedDateTime local = ZonedDateTime.now().truncatedTo(ChronoUnit.DAYS).plusHours(10).plusMinutes(30);
    assertTrue(w.contains(local.toInstant().toEpochMilli()));
    assertEquals(ZoneId.systemDefault(), w.zone());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{\"days\": [\"mon\", \"funday\"]}                | lcr.rules[0].time.days[1]",
      "{\"days\": []}                                   | lcr.rules[0].time.days",
      "{\"from\": \"8:00\"}                             | lcr.rules[0].time.from",
      "{\"from\": \"24:00\"}                            | lcr.rules[0].time.from",
      "{\"to\": \"18:60\"}                              | lcr.rules[0].time.to",
      "{\"to\": 18}                                     | lcr.rules[0].time.to",
      "{\"zone\": \"Mars/Olympus\"}                     | lcr.rules[0].time.zone",
      "{\"form\": \"08:00\"}                            | lcr.rules[0].time.form"})
  void errorsNameTheKey(String json, String key) {
    ConfigException e = assertThrows(ConfigException.class, () -> window(json));
    assertEquals(key, e.key(), e.getMessage());
  }

  @Test
  void toJsonGivesWhatWasConfigured() {
    String json = "{\"days\":[\"mon\",\"fri\"],\"from\":\"22:00\",\"to\":\"06:00\",\"zone\":\"Europe/Berlin\"}";
    assertEquals(new JsonObject(json), window(json).toJson());
    assertEquals(window(json), window(json));
  }
}
