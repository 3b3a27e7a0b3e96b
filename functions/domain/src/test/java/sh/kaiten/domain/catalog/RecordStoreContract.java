package sh.kaiten.domain.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import sh.kaiten.domain.error.ConflictException;
import sh.kaiten.domain.error.NotFoundException;
import sh.kaiten.domain.outbox.ChangeRecords;
import sh.kaiten.domain.paging.Page;
import sh.kaiten.domain.paging.PageRequest;

/**
 * What every port of a tenant's records keeps, whatever the record: an id is taken once, an update
 * needs the stamp the record was read with, a change's records are stored with it or not at all,
 * lists come in pages in id order. A port's own suite says how to write its record and adds the
 * rest of its contract.
 */
public abstract class RecordStoreContract<T> extends CatalogContract {

  protected RecordStoreContract(Fixture fixture) {
    super(fixture);
  }

  /**
   * A record as first written, stamped {@link #NOW}; {@code variant} tells two records of the same
   * id apart.
   */
  protected abstract T record(String id, String variant);

  /** The record as changed at {@code updatedAt}. */
  protected abstract T changed(T record, Instant updatedAt);

  /** Three ids of this kind of record, in key order. */
  protected abstract List<String> ids();

  protected abstract void create(T record, ChangeRecords records);

  protected abstract Optional<T> find(String id);

  protected abstract void update(T record, Instant expectedUpdatedAt);

  protected abstract void delete(String id, ChangeRecords records);

  protected abstract Page<T> page(PageRequest request);

  /** What an update of a record that is not there throws. */
  protected Class<? extends RuntimeException> updateOfAMissingRecord() {
    return NotFoundException.class;
  }

  @Test
  void anIdIsTakenOnceAndARefusedChangeStoresNothing() {
    T first = record(ids().get(0), "first");
    create(first, records("first"));

    assertThatThrownBy(() -> create(record(ids().get(0), "second"), records("second")))
        .isInstanceOf(ConflictException.class);
    assertThat(find(ids().get(0))).contains(first);
    assertThat(recorded()).hasSize(1);
  }

  @Test
  void anUpdateNeedsTheStampTheRecordWasReadWith() {
    T first = record(ids().get(0), "first");
    create(first, ChangeRecords.NONE);
    T changed = changed(first, NOW.plusSeconds(1));
    update(changed, NOW);

    assertThat(find(ids().get(0))).contains(changed);
    assertThatThrownBy(() -> update(changed(first, NOW.plusSeconds(2)), NOW))
        .isInstanceOf(ConflictException.class);
    assertThat(find(ids().get(0))).contains(changed);
  }

  @Test
  void aRecordThatIsNotThereCannotBeUpdatedNorDeleted() {
    assertThat(find(ids().get(0))).isEmpty();
    assertThatThrownBy(() -> update(record(ids().get(0), "first"), NOW))
        .isInstanceOf(updateOfAMissingRecord());
    assertThatThrownBy(() -> delete(ids().get(0), records("delete")))
        .isInstanceOf(NotFoundException.class);
    assertThat(recorded()).isEmpty();
  }

  @Test
  void aDeletedRecordIsGoneAndItsDeletionRecorded() {
    create(record(ids().get(0), "first"), ChangeRecords.NONE);
    delete(ids().get(0), records("delete"));

    assertThat(find(ids().get(0))).isEmpty();
    assertThat(recorded()).hasSize(1);
  }

  @Test
  void recordsComeInPagesInIdOrder() {
    for (String id : List.of(ids().get(2), ids().get(0), ids().get(1))) {
      create(record(id, "first"), ChangeRecords.NONE);
    }
    Page<T> first = page(new PageRequest(null, 2));
    Page<T> second = page(new PageRequest(first.nextCursor(), 2));

    assertThat(first.items())
        .containsExactly(find(ids().get(0)).orElseThrow(), find(ids().get(1)).orElseThrow());
    assertThat(first.nextCursor()).isNotNull();
    assertThat(second.items()).containsExactly(find(ids().get(2)).orElseThrow());
    assertThat(second.nextCursor()).isNull();
  }
}
