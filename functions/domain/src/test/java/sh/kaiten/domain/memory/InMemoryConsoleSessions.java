package sh.kaiten.domain.memory;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import sh.kaiten.domain.access.ConsoleSession;
import sh.kaiten.domain.access.ConsoleSessions;
import sh.kaiten.domain.error.ConflictException;

/** The console session port in memory, for unit tests. */
public final class InMemoryConsoleSessions implements ConsoleSessions {
  public final Map<String, ConsoleSession> byHash = new ConcurrentHashMap<>();

  @Override
  public void create(ConsoleSession session) {
    if (byHash.putIfAbsent(session.idHash(), session) != null) {
      throw new ConflictException(null, "a session with this id exists");
    }
  }

  @Override
  public Optional<ConsoleSession> find(String idHash) {
    return Optional.ofNullable(byHash.get(idHash));
  }

  @Override
  public void delete(String idHash) {
    byHash.remove(idHash);
  }
}
