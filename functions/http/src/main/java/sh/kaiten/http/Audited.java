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
}
