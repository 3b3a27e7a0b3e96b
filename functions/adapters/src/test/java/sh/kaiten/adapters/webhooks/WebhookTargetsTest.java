package sh.kaiten.adapters.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sh.kaiten.domain.error.InvalidInputException;

class WebhookTargetsTest {
  /** Names resolve from this table only: no test depends on the machine's DNS. */
  private static final Map<String, String[]> DNS =
      Map.of(
          "hooks.example.com", new String[] {"203.0.113.10"},
          "localhost", new String[] {"127.0.0.1", "::1"},
          "metadata.example.com", new String[] {"169.254.169.254"},
          "split.example.com", new String[] {"203.0.113.10", "10.1.2.3"});

  private final WebhookTargets guarded = new WebhookTargets(false, WebhookTargetsTest::resolve);
  private final WebhookTargets open = new WebhookTargets(true, WebhookTargetsTest::resolve);

  private static InetAddress[] resolve(String host) throws UnknownHostException {
    String[] addresses = DNS.get(host);
    if (host.endsWith(".invalid")) {
      throw new UnknownHostException(host);
    }
    if (addresses == null) {
      return InetAddress.getAllByName(host); // IP literals: parsed, never looked up
    }
    InetAddress[] resolved = new InetAddress[addresses.length];
    for (int i = 0; i < addresses.length; i++) {
      resolved[i] = InetAddress.getByName(addresses[i]);
    }
    return resolved;
  }

  @ParameterizedTest(name = "{0} is refused: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "http://hooks.example.com/in          | url must be an https URL",
        "ftp://hooks.example.com/in           | url must be an https URL",
        "https://10.0.0.1/in                  | a private address (10.0.0.1)",
        "https://172.16.5.4/in                | a private address",
        "https://192.168.1.1/in               | a private address",
        "https://100.64.0.1/in                | a private address",
        "https://127.0.0.1/in                 | a loopback address",
        "https://127.1.2.3:8443/in            | a loopback address",
        "https://169.254.169.254/latest/meta-data | a link-local address (169.254.169.254)",
        "https://metadata.example.com/        | a link-local address (169.254.169.254)",
        "https://[::1]/in                     | a loopback address",
        "https://[fd00::1]/in                 | a unique-local address",
        "https://[fe80::1]/in                 | a link-local address",
        "https://[::ffff:127.0.0.1]/in        | a loopback address",
        "https://[64:ff9b::a9fe:a9fe]/in      | a link-local address",
        "https://224.0.0.1/in                 | a multicast address",
        "https://[ff02::1]/in                 | a multicast address",
        "https://0.0.0.0/in                   | an unspecified address",
        "https://[::]/in                      | an unspecified address",
        "https://255.255.255.255/in           | a reserved address",
        "https://localhost:8443/in            | a loopback address (127.0.0.1)",
        "https://split.example.com/in         | a private address (10.1.2.3)",
        "https://user:pw@hooks.example.com/in | url must not carry credentials",
        "https:///in                          | url must name a host",
        "https://nowhere.invalid/in           | does not resolve",
        "not a url                            | url is not a valid URL"
      })
  void privateAndNonHttpsTargetsAreRefusedNamingTheUrl(String url, String reason) {
    assertThatThrownBy(() -> guarded.requireAllowed(url))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("url"))
        .hasMessageContaining(reason);
  }

  @Test
  void aPublicHttpsTargetIsPinnedToTheAddressThatWasChecked() throws Exception {
    WebhookTargets.Target target = guarded.target("https://hooks.example.com/in?x=1");

    assertThat(target.uri().toString()).isEqualTo("https://hooks.example.com/in?x=1");
    assertThat(target.address()).isEqualTo(InetAddress.getByName("203.0.113.10"));
    assertThat(guarded.target("https://[2001:db8::1]:8443/in").address())
        .isEqualTo(InetAddress.getByName("2001:db8::1"));
  }

  @Test
  void allowingPrivateTargetsAcceptsHttpAndLoopbackAndChecksNoAddress() {
    assertThat(open.target("http://127.0.0.1:8080/hooks").address()).isNull();
    assertThat(open.target("https://localhost/hooks").address()).isNull();
    assertThatThrownBy(() -> open.requireAllowed("ftp://127.0.0.1/hooks"))
        .hasMessage("url must be an http or https URL");
  }
}
