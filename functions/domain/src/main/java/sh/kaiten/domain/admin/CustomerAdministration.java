package sh.kaiten.domain.admin;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.Ids;
import sh.kaiten.domain.catalog.Text;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.events.data.EventData;
import sh.kaiten.domain.license.Customer;
import sh.kaiten.domain.license.CustomerStore;
import sh.kaiten.domain.outbox.ChangeJournal;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/** Use case: a tenant's customers. */
public final class CustomerAdministration {
  /** Longer than any name a search needs. */
  public static final int MAX_QUERY = 100;

  private final CustomerStore customers;
  private final Changes changes;

  /**
   * @param journal what each change writes with itself, in its transaction: its events and its
   *     audit record
   */
  public CustomerAdministration(CustomerStore customers, ChangeJournal journal, Clock clock) {
    this.customers = customers;
    this.changes = new Changes(journal, clock);
  }

  public Customer createCustomer(ApiToken caller, String name, Map<String, String> metadata) {
    caller.requireAdmin();
    Text.name("name", name);
    Text.entries("metadata", metadata);
    Instant now = changes.now();
    Customer customer = new Customer(Ids.newId("cus", now), name, metadata, now);
    ChangeRecords records =
        changes.records(
            caller,
            "customer.created",
            customer.id(),
            changes.event(caller, EventType.CUSTOMER_CREATED, EventData.of(customer)));
    customers.createCustomer(caller.tenantId(), customer, records);
    return customer;
  }

  public Customer customer(ApiToken caller, String id) {
    caller.requireAdmin();
    return customers
        .findCustomer(caller.tenantId(), id)
        .orElseThrow(() -> new NotFoundException("customer", id));
  }

  /**
   * Changes a customer's name or metadata.
   *
   * @param current the customer as the caller read it ({@link #customer}); the change is written
   *     only if the stored one is still that one, else ConflictException
   */
  public Customer updateCustomer(ApiToken caller, Customer current, Customer wanted) {
    caller.requireAdmin();
    String id = current.id();
    if (!current.name().equals(wanted.name())) {
      Text.name("name", wanted.name());
    }
    Text.changedEntries("metadata", current.metadata(), wanted.metadata());
    Customer updated =
        new Customer(id, wanted.name(), wanted.metadata(), current.createdAt(), changes.now());
    ChangeRecords records =
        changes.records(
            caller,
            "customer.updated",
            id,
            changes.event(caller, EventType.CUSTOMER_UPDATED, EventData.of(updated)));
    customers.updateCustomer(caller.tenantId(), updated, current.updatedAt(), records);
    return updated;
  }

  /** Deletes a customer that holds no license. */
  public void deleteCustomer(ApiToken caller, String id) {
    Customer current = customer(caller, id);
    ChangeRecords records =
        changes.records(
            caller,
            "customer.deleted",
            id,
            changes.event(caller, EventType.CUSTOMER_DELETED, EventData.of(current)));
    customers.deleteCustomer(caller.tenantId(), id, records);
  }

  public Page<Customer> customers(ApiToken caller, PageRequest page) {
    caller.requireAdmin();
    return customers.customers(caller.tenantId(), page);
  }

  /**
   * The customers whose name or id holds {@code query} (ignoring case), a page at a time in id
   * order; a blank query lists them all. No store page read is larger than what the page still
   * wants, so the cursor a page ends on never skips a match. A search reads the tenant's customers
   * through.
   */
  public Page<Customer> searchCustomers(ApiToken caller, String query, PageRequest page) {
    caller.requireAdmin();
    if (query == null || query.isBlank()) {
      return customers.customers(caller.tenantId(), page);
    }
    Text.line("q", query, MAX_QUERY);
    String wanted = query.strip().toLowerCase(Locale.ROOT);
    List<Customer> found = new ArrayList<>();
    String cursor = page.cursor();
    do {
      Page<Customer> read =
          customers.customers(
              caller.tenantId(), new PageRequest(cursor, page.limit() - found.size()));
      read.items().stream().filter(customer -> matches(customer, wanted)).forEach(found::add);
      cursor = read.nextCursor();
    } while (cursor != null && found.size() < page.limit());
    return new Page<>(found, cursor);
  }

  private static boolean matches(Customer customer, String wanted) {
    return customer.name().toLowerCase(Locale.ROOT).contains(wanted)
        || customer.id().toLowerCase(Locale.ROOT).contains(wanted);
  }
}
