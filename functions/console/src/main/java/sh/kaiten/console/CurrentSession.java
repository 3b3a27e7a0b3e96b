package sh.kaiten.console;

import jakarta.enterprise.context.RequestScoped;
import sh.kaiten.domain.access.ApiToken;
import sh.kaiten.domain.access.ConsoleSignIn;
import sh.kaiten.domain.error.UnauthenticatedException;

/** The session of the request being served, set by {@link SessionGate}. */
@RequestScoped
public class CurrentSession {
  private ConsoleSignIn.Signed signed;

  void open(ConsoleSignIn.Signed signed) {
    this.signed = signed;
  }

  /** The admin token the session acts as: every page reads through the use cases with it. */
  public ApiToken caller() {
    return signed().caller();
  }

  public String csrfToken() {
    return signed().session().csrfToken();
  }

  boolean isOpen() {
    return signed != null;
  }

  ConsoleSignIn.Signed signed() {
    if (signed == null) {
      throw new UnauthenticatedException("sign in to continue");
    }
    return signed;
  }
}
