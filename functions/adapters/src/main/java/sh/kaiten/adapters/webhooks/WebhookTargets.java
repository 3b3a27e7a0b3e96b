package sh.kaiten.adapters.webhooks;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import sh.kaiten.domain.error.InvalidInputException;
import sh.kaiten.domain.webhooks.WebhookUrlPolicy;

/**
 * The SSRF guard: a webhook URL must be https and every address its host resolves to must be a
 * public one: not private (RFC 1918, carrier-grade NAT), loopback, link-local (cloud metadata at
 * 169.254.169.254 included), unique-local IPv6, multicast, unspecified or reserved. The check runs
 * when an endpoint is written and again before each delivery, which then connects to the address it
 * checked ({@link #target}), so a DNS answer that changes in between cannot redirect it. {@code
 * allowPrivate} (local development) lifts every rule but the URL's syntax.
 */
public final class WebhookTargets implements WebhookUrlPolicy {

  /** How host names are resolved; tests give their own. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  /**
   * Where a delivery goes.
   *
   * @param address the checked address to connect to; null when private targets are allowed (no
   *     check)
   */
  public record Target(URI uri, InetAddress address) {}

  private final boolean allowPrivate;
  private final Resolver resolver;

  public WebhookTargets(boolean allowPrivate) {
    this(allowPrivate, InetAddress::getAllByName);
  }

  public WebhookTargets(boolean allowPrivate, Resolver resolver) {
    this.allowPrivate = allowPrivate;
    this.resolver = resolver;
  }

  public boolean allowsPrivate() {
    return allowPrivate;
  }

  @Override
  public void requireAllowed(String url) {
    target(url);
  }

  /**
   * @throws InvalidInputException naming {@code url} when the URL may not be called
   */
  public Target target(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw refused("url is not a valid URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !(allowPrivate && scheme.equals("http"))) {
      throw refused(allowPrivate ? "url must be an http or https URL" : "url must be an https URL");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw refused("url must name a host");
    }
    if (uri.getRawUserInfo() != null) {
      throw refused("url must not carry credentials");
    }
    if (allowPrivate) {
      return new Target(uri, null);
    }
    String host =
        uri.getHost().startsWith("[")
            ? uri.getHost().substring(1, uri.getHost().length() - 1)
            : uri.getHost();
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException e) {
      throw refused("url's host " + host + " does not resolve");
    }
    if (addresses.length == 0) {
      throw refused("url's host " + host + " does not resolve");
    }
    // Every address must be public: a host with one public and one private address could be steered
    // to either.
    for (InetAddress address : addresses) {
      Optional<String> reason = forbidden(address);
      if (reason.isPresent()) {
        String article = reason.get().equals("unspecified") ? "an " : "a ";
        throw refused(
            "url's host "
                + host
                + " resolves to "
                + article
                + reason.get()
                + " address ("
                + address.getHostAddress()
                + "); webhooks go to public addresses only");
      }
    }
    return new Target(uri, addresses[0]);
  }

  /** Why an address is no webhook target, or empty for a public address. */
  static Optional<String> forbidden(InetAddress address) {
    if (address.isAnyLocalAddress()) {
      return Optional.of("unspecified");
    }
    if (address.isLoopbackAddress()) {
      return Optional.of("loopback");
    }
    if (address.isLinkLocalAddress()) {
      return Optional.of("link-local");
    }
    if (address.isSiteLocalAddress()) {
      return Optional.of("private");
    }
    if (address.isMulticastAddress()) {
      return Optional.of("multicast");
    }
    byte[] bytes = address.getAddress();
    if (address instanceof Inet4Address) {
      int first = bytes[0] & 0xff;
      int second = bytes[1] & 0xff;
      if (first == 0) {
        return Optional.of("unspecified");
      }
      if (first == 100 && second >= 64 && second < 128) {
        return Optional.of("private"); // 100.64.0.0/10, carrier-grade NAT
      }
      if (first >= 240) {
        return Optional.of("reserved"); // 240.0.0.0/4 and the broadcast address
      }
      return Optional.empty();
    }
    if (address instanceof Inet6Address) {
      if ((bytes[0] & 0xfe) == 0xfc) {
        return Optional.of("unique-local"); // fc00::/7
      }
      // IPv4 inside IPv6: ::a.b.c.d (compatible) and 64:ff9b::a.b.c.d (NAT64) reach the IPv4
      // address.
      boolean compatible = Arrays.equals(Arrays.copyOf(bytes, 12), new byte[12]);
      boolean nat64 =
          bytes[0] == 0
              && bytes[1] == 0x64
              && (bytes[2] & 0xff) == 0xff
              && (bytes[3] & 0xff) == 0x9b
              && Arrays.equals(Arrays.copyOfRange(bytes, 4, 12), new byte[8]);
      if (compatible || nat64) {
        try {
          return forbidden(InetAddress.getByAddress(Arrays.copyOfRange(bytes, 12, 16)));
        } catch (UnknownHostException e) {
          throw new IllegalStateException("four bytes are an IPv4 address", e);
        }
      }
    }
    return Optional.empty();
  }

  private static InvalidInputException refused(String detail) {
    return new InvalidInputException("url", detail);
  }
}
