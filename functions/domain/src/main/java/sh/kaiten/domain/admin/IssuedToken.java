package sh.kaiten.domain.admin;

import sh.kaiten.domain.access.ApiToken;

/**
 * A token just made: {@code secret} is shown in this answer and never again (only its hash is
 * kept).
 */
public record IssuedToken(ApiToken token, String secret) {}
