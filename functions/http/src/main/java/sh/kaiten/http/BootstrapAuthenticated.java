package sh.kaiten.http;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an endpoint whose bearer is the deployment's bootstrap secret rather than a Kaiten token;
 * the endpoint checks that secret itself.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface BootstrapAuthenticated {}
