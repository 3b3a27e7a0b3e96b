package sh.kaiten.adapters.aws;

import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds the SDK clients every function uses: the URL-connection HTTP client (small, native-image
 * friendly, no connection-pool threads to freeze between Lambda invocations), credentials from the
 * default chain, and an explicit region and optional endpoint.
 */
public final class AwsClients {

  private AwsClients() {}

  public static DynamoDbClient dynamo(AwsSettings settings, ExecutionInterceptor... interceptors) {
    return build(DynamoDbClient.builder(), settings, settings.dynamoEndpoint(), interceptors);
  }

  public static SqsClient sqs(AwsSettings settings, ExecutionInterceptor... interceptors) {
    return build(SqsClient.builder(), settings, settings.sqsEndpoint(), interceptors);
  }

  /**
   * @param endpoint empty on AWS; a stand-in's address in tests
   */
  public static SecretsManagerClient secretsManager(
      AwsSettings settings, Optional<URI> endpoint, ExecutionInterceptor... interceptors) {
    return build(SecretsManagerClient.builder(), settings, endpoint, interceptors);
  }

  private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(
      B builder,
      AwsSettings settings,
      Optional<URI> endpoint,
      ExecutionInterceptor... interceptors) {
    ClientOverrideConfiguration.Builder overrides = ClientOverrideConfiguration.builder();
    for (ExecutionInterceptor interceptor : interceptors) {
      overrides.addExecutionInterceptor(interceptor);
    }
    builder
        .region(Region.of(settings.region()))
        .credentialsProvider(DefaultCredentialsProvider.builder().build())
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(overrides.build());
    endpoint.ifPresent(builder::endpointOverride);
    return builder.build();
  }
}
