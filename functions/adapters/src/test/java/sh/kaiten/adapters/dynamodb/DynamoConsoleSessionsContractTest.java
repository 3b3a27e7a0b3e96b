package sh.kaiten.adapters.dynamodb;

import org.junit.jupiter.api.AfterAll;
import sh.kaiten.domain.access.ConsoleSessions;
import sh.kaiten.domain.access.ConsoleSessionsContract;

/**
 * The DynamoDB console sessions keep the port's contract, on DynamoDB Local with the template's
 * Sessions table.
 */
class DynamoConsoleSessionsContractTest extends ConsoleSessionsContract {
  private final DynamoConsoleSessions sessions =
      new DynamoConsoleSessions(SuiteLocalAws.dynamo(), SuiteLocalAws.table("SessionsTable"));

  @AfterAll
  static void stop() {
    SuiteLocalAws.stop();
  }

  @Override
  protected ConsoleSessions sessions() {
    return sessions;
  }
}
