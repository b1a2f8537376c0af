package org.annals.engine.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class EventCalendarTest {
  private static final long START = ShopHistoryGenerator.START.toEpochMilli();

  @Test
  void aPlanComesBackWithEveryFactNearItsLargestValue() {
    Plan p = new Plan().reset(ShopEvent.REFUNDED, 0xffff_ffffL);
    p.at = Long.MAX_VALUE;
    p.idHigh = -1;
    p.idLow = Long.MIN_VALUE;
    p.customer = 0xffff_fffeL;
    p.cart = 0xffff_fffdL;
    p.order = 0xffff_fffcL;
    p.payment = 0xffff_fffbL;
    p.amountCents = 0xffff_fffaL;
    p.skus = Plan.withSku(Plan.withSku(Plan.withSku(Plan.withSku(0, 511), 1), 510), 2);
    p.sku = 511;
    p.quantity = 15;
    p.city = 509;
    p.currency = 14;
    p.country = 13;
    p.method = 12;
    p.carrier = 11;
    p.reason = 10;
    p.tracking = Integer.MAX_VALUE - 6;
    assertEquals(facts(p), facts(roundTrip(p)));
  }

  @Test
  void neighbouringFactsDoNotBleedIntoEachOther() {
    // One fact at a time set to all ones: every other fact must read back as zero.
    for (int field = 0; field < 16; field++) {
      Plan p = new Plan().reset(ShopEvent.ORDER_PLACED, field == 0 ? 0xffff_ffffL : 0);
      p.customer = field == 1 ? 0xffff_ffffL : 0;
      p.cart = field == 2 ? 0xffff_ffffL : 0;
      p.order = field == 3 ? 0xffff_ffffL : 0;
      p.payment = field == 4 ? 0xffff_ffffL : 0;
      p.amountCents = field == 5 ? 0xffff_ffffL : 0;
      p.skus = field == 6 ? (1L << 40) - 1 : 0;
      p.sku = field == 7 ? 511 : 0;
      p.quantity = field == 8 ? 15 : 0;
      p.city = field == 9 ? 511 : 0;
      p.currency = field == 10 ? 15 : 0;
      p.country = field == 11 ? 15 : 0;
      p.method = field == 12 ? 15 : 0;
      p.carrier = field == 13 ? 15 : 0;
      p.reason = field == 14 ? 15 : 0;
      p.tracking = field == 15 ? Integer.MAX_VALUE : 0;
      assertEquals(facts(p), facts(roundTrip(p)), "fact " + field);
    }
  }

  @Test
  void aFactOneTooLargeForItsBitsIsRefusedNotTruncated() {
    List<Consumer<Plan>> tooLarge = List.of(
        p -> p.entity = 1L << 32, p -> p.customer = 1L << 32, p -> p.cart = 1L << 32,
        p -> p.order = 1L << 32, p -> p.payment = 1L << 32, p -> p.amountCents = 1L << 32,
        p -> p.skus = 1L << 40, p -> p.sku = 512, p -> p.quantity = 16, p -> p.city = 512,
        p -> p.currency = 16, p -> p.country = 16, p -> p.method = 16, p -> p.carrier = 16,
        p -> p.reason = 16, p -> p.tracking = -1);
    List<String> names = List.of("entity", "customer", "cart", "order", "payment", "amountCents",
        "skus", "sku", "quantity", "city", "currency", "country", "method", "carrier", "reason",
        "tracking");
    for (int i = 0; i < tooLarge.size(); i++) {
      Plan p = new Plan().reset(ShopEvent.ORDER_SHIPPED, 1);
      tooLarge.get(i).accept(p);
      IllegalStateException refused = assertThrows(IllegalStateException.class,
          () -> p.writeTo(new long[Plan.ROW_LONGS], 0), names.get(i));
      assertTrue(refused.getMessage().startsWith(names.get(i) + " "), refused.getMessage());
    }
    Plan p = new Plan().reset(ShopEvent.ORDER_SHIPPED, 1L << 32);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> p.writeTo(new long[Plan.ROW_LONGS], 0));
    assertEquals("entity 4294967296 does not fit the 32 bits a plan keeps for it (0 to 4294967295)",
        e.getMessage());
  }

  @Test
  void aPackedSkuListHoldsFourSkusInOrder() {
    long four = Plan.withSku(Plan.withSku(Plan.withSku(Plan.withSku(0, 1), 2), 3), 511);
    assertEquals(4, Plan.skuCount(four));
    assertEquals(List.of(1, 2, 3, 511),
        List.of(Plan.skuAt(four, 0), Plan.skuAt(four, 1), Plan.skuAt(four, 2), Plan.skuAt(four, 3)));
    assertThrows(IllegalArgumentException.class, () -> Plan.withSku(four, 5));
    assertThrows(IllegalArgumentException.class, () -> Plan.withSku(0, 512));
  }

  @Test
  void aMinuteGivesItsPlansInTimeOrderAndEqualTimesInTheOrderAdded() {
    EventCalendar calendar = new EventCalendar(START, 3);
    // More plans than the first chunks hold (so the minute's list of chunks grows), at times that
    // run backwards in blocks of three equal times.
    int count = 5 * EventCalendar.PLANS_PER_CHUNK + 5;
    for (int i = 0; i < count; i++) {
      Plan p = new Plan().reset(ShopEvent.ORDER_DELIVERED, i);
      p.at = START + 60_000 + 59_000 - (i / 3) * 1_000;
      calendar.add(p);
    }
    Plan next = new Plan().reset(ShopEvent.ORDER_DELIVERED, 999);
    next.at = START + 2 * 60_000;
    calendar.add(next);

    assertEquals(0, calendar.take(0).size());
    EventCalendar.Due due = calendar.take(1);
    List<Long> entities = new ArrayList<>();
    long lastAt = Long.MIN_VALUE;
    Plan read = new Plan();
    for (int i = 0; i < due.size(); i++) {
      due.read(i, read);
      assertTrue(read.at >= lastAt);
      lastAt = read.at;
      entities.add(read.entity);
    }
    List<Long> expected = new ArrayList<>();
    for (int block = (count - 1) / 3; block >= 0; block--) {
      for (int i = 3 * block; i < Math.min(count, 3 * block + 3); i++) {
        expected.add((long) i);
      }
    }
    assertEquals(expected, entities);
    assertEquals(0, calendar.take(1).size(), "a minute is taken once");
    EventCalendar.Due last = calendar.take(2);
    assertEquals(1, last.size());
    last.read(0, read);
    assertEquals(999, read.entity);
  }

  @Test
  void plansAfterTheLastMinuteAreDropped() {
    EventCalendar calendar = new EventCalendar(START, 1);
    Plan p = new Plan().reset(ShopEvent.REFUNDED, 1);
    p.at = START + 60_000;
    calendar.add(p);
    assertEquals(0, calendar.take(0).size());
  }

  private static Plan roundTrip(Plan p) {
    long[] row = new long[Plan.ROW_LONGS + 3];
    p.writeTo(row, 3);
    Plan back = new Plan();
    back.readFrom(row, 3);
    return back;
  }

  private static List<Object> facts(Plan p) {
    return List.of(p.kind, p.at, p.idHigh, p.idLow, p.entity, p.customer, p.cart, p.order, p.payment,
        p.sku, p.quantity, p.skus, p.amountCents, p.currency, p.country, p.city, p.method, p.carrier,
        p.tracking, p.reason);
  }
}
