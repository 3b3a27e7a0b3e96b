package sh.kaiten.http;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The resource method's successful calls go into the audit trail as {@link #value()} records,
 * written before the response leaves ({@link AuditRecording}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Audited {
  /** The record type, e.g. {@code license.updated}. */
  String value();

  /**
   * What a successful call answers, when a change's record is written with it before the answer
   * exists ({@link RequestJournal}); 0 for the method's usual status (201 for a POST, 204 for a
   * DELETE, else 200).
   */
  int status() default 0;
}
