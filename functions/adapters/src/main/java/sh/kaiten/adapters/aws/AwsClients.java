package sh.kaiten.adapters.aws;

import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds the SDK clients every function uses: the URL-connection HTTP client (small, native-image
 * friendly, no connection-pool threads to freeze between Lambda invocations), credentials from the
 * default chain, and an explicit region and optional endpoint.
 */
public final class AwsClients {

  private AwsClients() {}

  public static DynamoDbClient dynamo(AwsSettings settings, ExecutionInterceptor... interceptors) {
    var builder = DynamoDbClient.builder()
        .region(Region.of(settings.region()))
        .credentialsProvider(DefaultCredentialsProvider.builder().build())
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(overrides(interceptors));
    settings.dynamoEndpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  public static SqsClient sqs(AwsSettings settings, ExecutionInterceptor... interceptors) {
    var builder = SqsClient.builder()
        .region(Region.of(settings.region()))
        .credentialsProvider(DefaultCredentialsProvider.builder().build())
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(overrides(interceptors));
    settings.sqsEndpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  private static ClientOverrideConfiguration overrides(ExecutionInterceptor... interceptors) {
    var config = ClientOverrideConfiguration.builder();
    for (ExecutionInterceptor interceptor : interceptors) {
      config.addExecutionInterceptor(interceptor);
    }
    return config.build();
  }
}
