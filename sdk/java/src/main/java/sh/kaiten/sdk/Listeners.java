package sh.kaiten.sdk;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The client's listeners, each called in turn; one that throws is logged and the others still hear.
 */
final class Listeners {
  private static final System.Logger LOG = System.getLogger(KaitenClient.class.getName());
  private final List<KaitenListener> listeners = new CopyOnWriteArrayList<>();

  void add(KaitenListener listener) {
    listeners.add(listener);
  }

  void remove(KaitenListener listener) {
    listeners.remove(listener);
  }

  void tell(Consumer<KaitenListener> event) {
    for (KaitenListener listener : listeners) {
      try {
        event.accept(listener);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "a Kaiten listener failed", e);
      }
    }
  }
}
