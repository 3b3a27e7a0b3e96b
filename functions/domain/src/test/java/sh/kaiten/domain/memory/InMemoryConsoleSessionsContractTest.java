package sh.kaiten.domain.memory;

import sh.kaiten.domain.access.ConsoleSessions;
import sh.kaiten.domain.access.ConsoleSessionsContract;

/** The in-memory console sessions keep the port's contract. */
class InMemoryConsoleSessionsContractTest extends ConsoleSessionsContract {
  private final InMemoryConsoleSessions sessions = new InMemoryConsoleSessions();

  @Override
  protected ConsoleSessions sessions() {
    return sessions;
  }
}
