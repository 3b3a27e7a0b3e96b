package sh.kaiten.adapters.aws;

import java.net.URI;
import java.util.Optional;

/**
 * Where the AWS services are. Endpoints are empty on AWS itself and point at DynamoDB Local,
 * ElasticMQ or LocalStack elsewhere, so one build talks to all of them.
 */
public record AwsSettings(String region, Optional<URI> dynamoEndpoint, Optional<URI> sqsEndpoint) {}
