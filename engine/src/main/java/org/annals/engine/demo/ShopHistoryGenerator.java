package org.annals.engine.demo;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.annals.storage.EventStore;
import org.annals.storage.event.ExpectedVersion;
import org.annals.storage.event.NewEvent;

/**
 * Writes a seeded, realistic 30-day history of an online shop through the storage API:
 *
 * <ul>
 *   <li>{@code customers}: Registered, EmailVerified, AddressChanged;
 *   <li>{@code carts}: ItemAdded, ItemRemoved, CheckedOut (about a third of carts are abandoned);
 *   <li>{@code orders}: OrderPlaced, PaymentCaptured, OrderShipped, OrderDelivered, OrderCancelled;
 *   <li>{@code payments}: Authorized, Captured, Failed, Refunded.
 * </ul>
 *
 * Entity ids link the streams: an order's payload names its customer and cart, a payment's its
 * order. Sessions follow a daily and hourly rhythm (busy evenings, quiet nights, busier weekends).
 * The same seed and size always give the same events, ids and timestamps, starting at
 * {@link #START}. Events are appended in time order, one batch per stream and minute, without
 * waiting for each fsync, so generation runs at group-commit speed. Not thread-safe.
 */
public final class ShopHistoryGenerator {
  public static final Instant START = Instant.parse("2026-10-01T00:00:00Z");
  public static final int DAYS = 30;
  public static final long SEED = 20261001L;

  /** About how many events a size makes. */
  public enum Size {
    SMALL(50_000), LARGE(10_000_000);

    public final long events;

    Size(long events) {
      this.events = events;
    }
  }

  /** Events per shopping session, on average; measured from this generator's own output. */
  private static final double EVENTS_PER_SESSION = 7.3;
  /** Appends in flight before the generator waits for the oldest. */
  private static final int MAX_IN_FLIGHT = 256;
  private static final int[] CANCEL_REASONS = {ShopEvent.CUSTOMER_REQUEST, ShopEvent.OUT_OF_STOCK};
  /** Share of each hour of a UTC day in the day's sessions. */
  private static final double[] HOURLY = {
      1.2, 0.8, 0.6, 0.5, 0.5, 0.7, 1.4, 2.6, 3.8, 4.4, 4.8, 5.0,
      5.4, 5.2, 4.9, 4.8, 5.0, 5.6, 6.6, 7.6, 8.2, 7.4, 5.2, 2.9};

  private final EventStore store;
  private final SimulatedClock clock;
  private final Random random;
  private final long targetEvents;
  private final EventCalendar calendar = new EventCalendar(START.toEpochMilli(), DAYS * 1440);
  private int nextMinute;
  /** Filled for each event planned; the calendar keeps a copy. */
  private final Plan planning = new Plan();
  /** Filled from the calendar for each event due. */
  private final Plan due = new Plan();
  private final StringBuilder text = new StringBuilder(256);
  /**
   * Appends not yet durable, oldest first. A short window keeps the log writer busy (a group
   * commit takes many batches) while holding few batches' bytes, so they die young.
   */
  private final ArrayDeque<CompletableFuture<?>> inFlight = new ArrayDeque<>();
  private DayListener dayListener = (days, events) -> { };
  private long written;
  private int nextCustomer;
  private int nextCart;
  private int nextOrder;
  private int nextPayment;

  public ShopHistoryGenerator(EventStore store, SimulatedClock clock, long targetEvents, long seed) {
    this.store = store;
    this.clock = clock;
    this.targetEvents = targetEvents;
    this.random = new UnsharedRandom(seed);
  }

  /** Told after each simulated day, for a progress display. */
  @FunctionalInterface
  public interface DayListener {
    void dayDone(int daysDone, long eventsAppended);
  }

  /** Calls the listener after each simulated day of the next run. */
  public ShopHistoryGenerator onDayDone(DayListener listener) {
    this.dayListener = listener;
    return this;
  }

  /** Generates the whole history; returns how many events were appended. */
  public long run() throws java.io.IOException {
    return run(Long.MAX_VALUE);
  }

  /**
   * Generates the whole history, flushing once after {@code flushAfterEvents} events, so that
   * the rest stays in the WAL and the memtable (for tests that read both).
   */
  public long run(long flushAfterEvents) throws java.io.IOException {
    boolean flushed = false;
    double sessionsPerDay = targetEvents / EVENTS_PER_SESSION / DAYS;
    long minute = 60_000;
    long end = START.plus(Duration.ofDays(DAYS)).toEpochMilli();
    for (long t = START.toEpochMilli(); t < end; t += minute) {
      int hour = (int) ((t / 3_600_000) % 24);
      int dayOfWeek = Instant.ofEpochMilli(t).atZone(ZoneOffset.UTC).getDayOfWeek().getValue();
      double weekend = dayOfWeek >= 6 ? 1.25 : 1.0;
      double expected = sessionsPerDay * HOURLY[hour] / 100.0 / 60.0 * weekend;
      int sessions = poisson(expected);
      for (int s = 0; s < sessions; s++) {
        startSession(t + random.nextInt(60_000));
      }
      flushDue(t + minute);
      if (!flushed && written >= flushAfterEvents) {
        awaitInFlight(0);
        store.flush();
        flushed = true;
      }
      if ((t + minute - START.toEpochMilli()) % 86_400_000L == 0) {
        dayListener.dayDone((int) ((t + minute - START.toEpochMilli()) / 86_400_000L), written);
      }
    }
    flushDue(Long.MAX_VALUE);
    awaitInFlight(0);
    return written;
  }

  private void startSession(long at) {
    long customer;
    if (nextCustomer == 0 || random.nextDouble() < 0.3) {
      customer = register(at);
      at += minutes(2, 10);
    } else {
      customer = 1 + random.nextInt(nextCustomer);
    }
    long cart = ++nextCart;
    int currency = currencyOf(customer);
    int items = 1 + random.nextInt(4);
    long total = 0;
    long skus = 0;
    for (int i = 0; i < items; i++) {
      int sku = random.nextInt(400);
      int quantity = 1 + (random.nextDouble() < 0.8 ? 0 : random.nextInt(3));
      long unitCents = priceCents(sku);
      at += minutes(0, 4) + random.nextInt(60_000);
      Plan added = priced(ShopEvent.ITEM_ADDED, cart, at, unitCents, currency);
      added.customer = customer;
      added.sku = sku;
      added.quantity = quantity;
      calendar.add(added);
      if (random.nextDouble() < 0.1) {
        at += minutes(0, 3);
        Plan removed = plan(ShopEvent.ITEM_REMOVED, cart, at);
        removed.sku = sku;
        removed.quantity = quantity;
        calendar.add(removed);
      } else {
        total += unitCents * quantity;
        skus = Plan.withSku(skus, sku);
      }
    }
    if (Plan.skuCount(skus) == 0 || random.nextDouble() < 0.32) {
      return; // an abandoned cart
    }
    at += minutes(1, 15);
    long order = ++nextOrder;
    Plan checkedOut = priced(ShopEvent.CHECKED_OUT, cart, at, total, currency);
    checkedOut.customer = customer;
    checkedOut.order = order;
    calendar.add(checkedOut);
    placeOrder(at + random.nextInt(5_000), order, customer, cart, total, currency, skus);
  }

  /** @param skus the order's SKUs, packed by {@link Plan#withSku} */
  private void placeOrder(long at, long order, long customer, long cart, long totalCents,
      int currency, long skus) {
    Plan placed = priced(ShopEvent.ORDER_PLACED, order, at, totalCents, currency);
    placed.customer = customer;
    placed.cart = cart;
    placed.skus = skus;
    calendar.add(placed);
    long payment = ++nextPayment;
    at += 2_000 + random.nextInt(20_000);
    int method = random.nextDouble() < 0.7 ? ShopEvent.CARD : ShopEvent.PAYPAL;
    Plan authorized = payment(ShopEvent.AUTHORIZED, payment, at, order, totalCents, currency);
    authorized.method = method;
    calendar.add(authorized);
    if (random.nextDouble() < 0.05) {
      at += minutes(1, 30);
      Plan failed = plan(ShopEvent.FAILED, payment, at);
      failed.order = order;
      failed.reason = ShopEvent.DECLINED;
      calendar.add(failed);
      calendar.add(plan(ShopEvent.ORDER_CANCELLED, order, at + minutes(30, 180))
          .withReason(ShopEvent.PAYMENT_FAILED));
      return;
    }
    at += minutes(1, 60);
    calendar.add(payment(ShopEvent.CAPTURED, payment, at, order, totalCents, currency));
    Plan captured = priced(ShopEvent.PAYMENT_CAPTURED, order, at + 1_000, totalCents, currency);
    captured.payment = payment;
    calendar.add(captured);
    if (random.nextDouble() < 0.04) {
      at += minutes(20, 600);
      int reason = CANCEL_REASONS[random.nextInt(CANCEL_REASONS.length)];
      calendar.add(plan(ShopEvent.ORDER_CANCELLED, order, at).withReason(reason));
      calendar.add(payment(ShopEvent.REFUNDED, payment, at + minutes(60, 1440), order, totalCents,
          currency));
      return;
    }
    at += minutes(120, 2 * 1440);
    int carrier = random.nextInt(ShopEvent.CARRIERS.length);
    int tracking = random.nextInt(1_000_000_000);
    Plan shipped = plan(ShopEvent.ORDER_SHIPPED, order, at);
    shipped.carrier = carrier;
    shipped.tracking = tracking;
    calendar.add(shipped);
    at += minutes(1440, 4 * 1440);
    calendar.add(plan(ShopEvent.ORDER_DELIVERED, order, at));
    if (random.nextDouble() < 0.02) {
      calendar.add(payment(ShopEvent.REFUNDED, payment, at + minutes(1440, 5 * 1440), order, totalCents,
          currency).withReason(ShopEvent.RETURNED));
    }
  }

  /** Registers a new customer; returns the customer's number. */
  private long register(long at) {
    long customer = ++nextCustomer;
    int country = random.nextInt(ShopEvent.COUNTRIES.length);
    Plan registered = plan(ShopEvent.REGISTERED, customer, at);
    registered.country = country;
    registered.currency = ShopEvent.CURRENCY_OF_COUNTRY[country];
    calendar.add(registered);
    if (random.nextDouble() < 0.6) {
      calendar.add(plan(ShopEvent.EMAIL_VERIFIED, customer, at + minutes(1, 120)));
    }
    if (random.nextDouble() < 0.1) {
      long when = at + minutes(60, 10 * 1440);
      int city = random.nextInt(500);
      Plan moved = plan(ShopEvent.ADDRESS_CHANGED, customer, when);
      moved.city = city;
      moved.country = country;
      calendar.add(moved);
    }
    return customer;
  }

  /**
   * The currency a customer shops in: derived from the hash of the id text, which is not always
   * the currency of the country they registered with (a quirk the expected answers keep).
   */
  private static int currencyOf(long customer) {
    String id = ShopEvent.entityId(ShopEvent.Stream.CUSTOMERS, customer);
    return ShopEvent.CURRENCY_OF_COUNTRY[Math.abs(id.hashCode()) % ShopEvent.COUNTRIES.length];
  }

  private static long priceCents(int sku) {
    // A stable, skewed price list: most items cheap, a few expensive.
    long h = (sku * 2654435761L) & 0xffff;
    return 499 + (h * h) % 24_000;
  }

  private long minutes(int min, int max) {
    return (min + random.nextInt(Math.max(1, max - min))) * 60_000L;
  }

  private int poisson(double mean) {
    // Knuth's method; means here are small (tens at most for LARGE, per minute).
    if (mean > 30) {
      return (int) Math.max(0, Math.round(mean + Math.sqrt(mean) * random.nextGaussian()));
    }
    double limit = Math.exp(-mean);
    double p = random.nextDouble();
    int k = 0;
    while (p > limit) {
      p *= random.nextDouble();
      k++;
    }
    return k;
  }

  /**
   * Starts the plan of a new event; valid until the next call, so add it to the calendar first.
   * The event's id is drawn here, after any draws that went into {@code at}: the history depends
   * on the order of the draws, so a time must not be changed after its plan has started.
   */
  private Plan plan(ShopEvent kind, long entity, long at) {
    planning.reset(kind, entity);
    planning.at = at;
    planning.idHigh = random.nextLong();
    planning.idLow = random.nextLong();
    return planning;
  }

  /** A plan for an event that states an amount and its currency. */
  private Plan priced(ShopEvent kind, long entity, long at, long amountCents, int currency) {
    Plan p = plan(kind, entity, at);
    p.amountCents = amountCents;
    p.currency = currency;
    return p;
  }

  /** A plan for a payment event, which names its order besides its amount and currency. */
  private Plan payment(ShopEvent kind, long payment, long at, long order, long amountCents,
      int currency) {
    Plan p = priced(kind, payment, at, amountCents, currency);
    p.order = order;
    return p;
  }

  private NewEvent toEvent(Plan p) {
    String entity = ShopEvent.entityId(p.kind.stream, p.entity);
    text.setLength(0);
    p.kind.payload(p, text);
    return new NewEvent(p.kind.eventType, entity, text.toString(),
        "{\"source\":\"shop-simulator\",\"correlation_id\":\"" + entity + "\"}",
        new UUID(p.idHigh, p.idLow), ExpectedVersion.ANY);
  }

  /** Waits for the oldest appends until at most {@code keep} are in flight. */
  private void awaitInFlight(int keep) {
    while (inFlight.size() > keep) {
      inFlight.poll().join();
    }
  }

  /** Appends every event due before {@code until}: per minute, one batch per stream. */
  private void flushDue(long until) {
    while (nextMinute < calendar.minutes()
        && START.toEpochMilli() + (nextMinute + 1) * 60_000L <= until) {
      long minuteStart = START.toEpochMilli() + nextMinute * 60_000L;
      EventCalendar.Due minute = calendar.take(nextMinute++);
      if (minute.size() == 0) {
        continue;
      }
      Map<String, List<NewEvent>> batches = new LinkedHashMap<>();
      for (int i = 0; i < minute.size(); i++) {
        minute.read(i, due);
        batches.computeIfAbsent(due.kind.stream.streamName, k -> new ArrayList<>()).add(toEvent(due));
      }
      clock.set(minuteStart);
      for (Map.Entry<String, List<NewEvent>> b : batches.entrySet()) {
        for (int from = 0; from < b.getValue().size(); from += 1000) {
          List<NewEvent> part = b.getValue().subList(from, Math.min(b.getValue().size(), from + 1000));
          inFlight.add(store.appendAsync(b.getKey(), List.copyOf(part)));
          written += part.size();
        }
      }
      awaitInFlight(MAX_IN_FLIGHT);
    }
  }
}
