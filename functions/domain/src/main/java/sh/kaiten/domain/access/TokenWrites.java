package sh.kaiten.domain.access;

/**
 * Token writes made in the transaction of another change (the tenant or the instance the tokens
 * belong to): prepared by the {@link TokenStore}, carried out by the store whose transaction they
 * join. So a tenant or an instance is never stored without its first token, nor deleted leaving its
 * tokens.
 */
public interface TokenWrites {}
