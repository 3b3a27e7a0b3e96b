package sh.kaiten.domain.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.Secrets;
import sh.kaiten.domain.access.TokenScope;
import sh.kaiten.domain.access.TokenStore;
import sh.kaiten.domain.catalog.Text;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.error.UnknownReferenceException;
import sh.kaiten.domain.events.EventType;
import sh.kaiten.domain.events.data.EventData;
import sh.kaiten.domain.license.Instance;
import sh.kaiten.domain.license.InstanceStore;
import sh.kaiten.domain.license.LicenseStore;
import sh.kaiten.domain.outbox.ChangeJournal;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/** Use case: a tenant's instances and their instance tokens. */
public final class InstanceAdministration {
  private final LicenseStore licenses;
  private final InstanceStore instances;
  private final TokenStore tokens;
  private final Changes changes;

  /**
   * @param journal what each change writes with itself, in its transaction: its events and its
   *     audit record
   */
  public InstanceAdministration(
      LicenseStore licenses,
      InstanceStore instances,
      TokenStore tokens,
      ChangeJournal journal,
      Clock clock) {
    this.licenses = licenses;
    this.instances = instances;
    this.tokens = tokens;
    this.changes = new Changes(journal, clock);
  }

  /** Creates an instance and its instance token. */
  public InstanceCreated createInstance(
      ApiToken caller, String id, String licenseId, String name, Map<String, String> labels) {
    caller.requireAdmin();
    Text.id("license_id", licenseId);
    if (licenses.findLicense(caller.tenantId(), licenseId).isEmpty()) {
      throw new UnknownReferenceException(
          "license_id", "license '" + licenseId + "' does not exist");
    }
    if (name != null && !name.isBlank()) {
      Text.name("name", name);
    }
    Text.entries("labels", labels);
    Instant now = changes.now();
    Instance instance = new Instance(id, licenseId, name, labels, now);
    ChangeRecords records =
        changes.records(
            caller,
            "instance.created",
            instance.id(),
            changes.event(caller, EventType.INSTANCE_CREATED, EventData.of(instance)));
    // The instance, its token, its event and its record: one transaction.
    IssuedToken token =
        changes.newToken(caller.tenantId(), TokenScope.INSTANCE, instance.id(), licenseId);
    instances.createInstance(
        caller.tenantId(),
        instance,
        tokens.issuing(Secrets.hash(token.secret()), token.token()),
        records);
    return new InstanceCreated(instance, token.token(), token.secret());
  }

  public Instance instance(ApiToken caller, String id) {
    caller.requireAdmin();
    return instances
        .findInstance(caller.tenantId(), id)
        .orElseThrow(() -> new NotFoundException("instance", id));
  }

  /**
   * Changes an instance's name or labels; it stays with its license.
   *
   * @param current the instance as the caller read it ({@link #instance}); the change is written
   *     only if the stored one is still that one, else ConflictException
   */
  public Instance updateInstance(ApiToken caller, Instance current, Instance wanted) {
    caller.requireAdmin();
    String id = current.id();
    Unchangeable.require("license_id", current.licenseId(), wanted.licenseId());
    if (!current.name().equals(wanted.name())) {
      Text.name("name", wanted.name());
    }
    Text.changedEntries("labels", current.labels(), wanted.labels());
    Instance updated =
        new Instance(
            id,
            current.licenseId(),
            wanted.name(),
            wanted.labels(),
            current.createdAt(),
            changes.now());
    ChangeRecords records =
        changes.records(
            caller,
            "instance.updated",
            id,
            changes.event(caller, EventType.INSTANCE_UPDATED, EventData.of(updated)));
    instances.updateInstance(caller.tenantId(), updated, current.updatedAt(), records);
    return updated;
  }

  /**
   * Deletes an instance and its tokens, which stop working at once; its usage counters are kept.
   */
  public void deleteInstance(ApiToken caller, String id) {
    Instance current = instance(caller, id);
    ChangeRecords records =
        changes.records(
            caller,
            "instance.deleted",
            id,
            changes.event(caller, EventType.INSTANCE_DELETED, EventData.of(current)));
    instances.deleteInstance(
        caller.tenantId(), id, tokens.revokingInstance(caller.tenantId(), id), records);
  }

  public Page<Instance> instances(ApiToken caller, PageRequest page) {
    caller.requireAdmin();
    return instances.instances(caller.tenantId(), page);
  }

  /** The instances of one license, in id order: one pass over the tenant's instances. */
  public List<Instance> instancesOf(ApiToken caller, String licenseId) {
    caller.requireAdmin();
    return Page.all(request -> instances.instances(caller.tenantId(), request)).stream()
        .filter(instance -> instance.licenseId().equals(licenseId))
        .toList();
  }

  /** A new token for the instance; its old tokens stop working at once. */
  public IssuedToken rotateInstanceToken(ApiToken caller, String instanceId) {
    Instance instance = instance(caller, instanceId);
    IssuedToken token =
        changes.newToken(
            caller.tenantId(), TokenScope.INSTANCE, instance.id(), instance.licenseId());
    ObjectNode data = EventData.of(instance);
    data.put("token_rotated", true);
    ChangeRecords records =
        changes.records(
            caller,
            "instance.token_rotated",
            instance.id(),
            changes.event(caller, EventType.INSTANCE_UPDATED, data));
    tokens.replaceInstanceTokens(
        caller.tenantId(), instance.id(), Secrets.hash(token.secret()), token.token(), records);
    return token;
  }
}
